//! Appointments as iCalendar (RFC 5545, `.ics`), for the user's own calendar program.
//!
//! One `VEVENT` per appointment: its id as the `UID` (so importing again updates rather
//! than duplicates), the time in UTC, the status (pending → `TENTATIVE`, accepted or
//! completed → `CONFIRMED`, rejected or canceled → `CANCELLED`), the case reference and
//! the two people's names. A calendar file leaves the app (often for a calendar in the
//! cloud), so it carries no patient data and no medical text: the case is named by its
//! reference only, and the appointment's purpose — free text that may well be medical —
//! stays in the app.

use std::path::Path;

use icalendar::{Calendar, Component, Event, EventLike, EventStatus};

use crate::error::{ApiError, Result};
use crate::views::{AppointmentFilter, AppointmentView};
use crate::App;

fn event(a: &AppointmentView) -> Event {
    let reference = a.case_reference.as_deref().unwrap_or("(not numbered yet)");
    let status = match a.status {
        domain::AppointmentStatus::Pending => EventStatus::Tentative,
        domain::AppointmentStatus::Accepted | domain::AppointmentStatus::Completed => {
            EventStatus::Confirmed
        }
        domain::AppointmentStatus::Rejected | domain::AppointmentStatus::Canceled => {
            EventStatus::Cancelled
        }
    };
    let description = format!(
        "Second-opinion case {reference}\nBetween {} and {}\nStatus: {}",
        a.created_by.name,
        a.invitee.name,
        a.status.label()
    );
    Event::new()
        .uid(&format!("{}@second-opinion", a.id))
        .summary(&format!(
            "Case {reference}: appointment with {}",
            a.participant_name
        ))
        .description(&description)
        .starts(a.starts_at)
        .ends(a.ends_at)
        .status(status)
        .timestamp(a.updated_at)
        .done()
}

/// The appointments as one calendar.
pub fn calendar(appointments: &[AppointmentView]) -> String {
    let mut cal = Calendar::new();
    cal.name("Second Opinion appointments");
    for a in appointments {
        cal.push(event(a));
    }
    cal.done().to_string()
}

impl App {
    /// One appointment as an `.ics` calendar.
    pub async fn appointment_ics(
        &self,
        case_id: domain::CaseId,
        appointment_id: domain::AppointmentId,
    ) -> Result<String> {
        let list = self.list_appointments(AppointmentFilter::default()).await?;
        let one: Vec<AppointmentView> = list
            .into_iter()
            .filter(|a| a.case_id == case_id && a.id == appointment_id)
            .collect();
        if one.is_empty() {
            return Err(ApiError::not_found("Appointment"));
        }
        Ok(calendar(&one))
    }

    /// The list "My appointments" shows, as one `.ics` calendar.
    pub async fn appointments_ics(&self, filter: AppointmentFilter) -> Result<String> {
        Ok(calendar(&self.list_appointments(filter).await?))
    }

    /// Writes a calendar to `path` (the UI got it from the Save dialog).
    pub async fn save_ics(&self, text: &str, path: &Path) -> Result<()> {
        std::fs::write(path, text).map_err(|e| {
            tracing::warn!(kind = ?e.kind(), "could not write the calendar file");
            ApiError::from(domain::Refusal::new(
                domain::RefusalCode::InvalidInput,
                "The calendar file could not be written there; choose another place.",
            ))
        })
    }
}
