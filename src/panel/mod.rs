//! The citizen panel (千人评议团): the roster and its invitations, printed letters, and
//! follow-up of members who have not answered yet (the list, reminder SMS).

pub mod letters;
pub mod non_responders;
pub mod reminders;
pub mod roster;
