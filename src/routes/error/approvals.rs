//! Two people for sensitive acts: what staff read when a request is filed or cannot be
//! decided (the catalogue's part for approvals), and how the errors map to statuses.

use actix_web::http::StatusCode;

use super::messages::Message;
use super::{ApiError, CONFLICT};
use crate::campaign::approvals::ApprovalError;

pub(super) fn unknown(id: i64) -> (&'static str, String, String) {
    ("unknown_approval", format!("没有编号为 {id} 的复核申请"), format!("There is no request {id}"))
}

pub(super) fn decided(id: i64, status: &str) -> (&'static str, String, String) {
    (
        "already_decided",
        format!("复核申请 {id} 已{}，不能再处理", status_zh(status)),
        format!("Request {id} was already {status}"),
    )
}

pub(super) fn own_request() -> (&'static str, String, String) {
    (
        "own_request",
        "不能复核自己提出的申请：须由另一位管理员或督查人员批准".into(),
        "A request is decided by someone other than who asked for it".into(),
    )
}

fn status_zh(status: &str) -> &'static str {
    match status {
        "approved" => "批准",
        "rejected" => "驳回",
        "failed" => "批准但未能执行",
        _ => "处理",
    }
}

impl From<ApprovalError> for ApiError {
    fn from(e: ApprovalError) -> Self {
        match e {
            ApprovalError::Unknown { id, .. } => {
                Self::new(StatusCode::NOT_FOUND, Message::UnknownApproval(id))
            }
            ApprovalError::Decided { id, status } => {
                Self::new(CONFLICT, Message::AlreadyDecided { id, status })
            }
            ApprovalError::OwnRequest => Self::new(StatusCode::FORBIDDEN, Message::OwnRequest),
            ApprovalError::Closed(slug) => Self::new(CONFLICT, Message::Frozen(slug)),
            ApprovalError::Unreadable(_) => Self::new(StatusCode::INTERNAL_SERVER_ERROR, Message::Internal),
            ApprovalError::Store(e) => e.into(),
        }
    }
}
