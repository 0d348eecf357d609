//! Rule test cases (`followup::cases`): every built-in program's case files pass
//! (`builtin`), and malformed case files are refused with their exact, located errors
//! (`invalid`).

mod builtin;
mod invalid;
