//! The citizen panel (千人评议团): the roster and its invitations, and reminders to members
//! who have not answered yet.

pub mod reminders;
pub mod roster;
