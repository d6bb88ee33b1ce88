//! fixbook: a troubleshooting guide written as YAML, checked, and rendered
//! as an mdBook site, a print edition and checklists.
//!
//! Stages (data flows one way, see ARCHITECTURE.md):
//! [`load`] → [`check`] → [`render`] → [`site`], orchestrated by [`build`].

pub mod build;
pub mod check;
pub mod diag;
pub mod load;
pub mod model;
pub mod render;
pub mod site;
