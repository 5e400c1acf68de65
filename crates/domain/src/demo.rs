//! The demo configuration: users of every role, specialties, review types and disease
//! categories (English and Arabic), with fixed ids. Standalone desktops and a demo server
//! (`SO_SERVER_DEMO=1`) write exactly this, so the same people exist on both. Data, not
//! rules: nothing here decides anything.

use uuid::Uuid;

use crate::actor::Role;
use crate::catalog::{Catalog, DiseaseCategory, ReviewType, Specialty, User};
use crate::ids::{DiseaseCategoryId, ReviewTypeId, SpecialtyId, UserId};

const fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x5ec0_0d00_0000_7000_8000_0000_0000_0000 | n)
}

pub const REQUESTER: UserId = UserId(id(0x101));
pub const REQUESTER_2: UserId = UserId(id(0x102));
pub const COORDINATOR: UserId = UserId(id(0x201));
pub const COORDINATOR_2: UserId = UserId(id(0x202));
pub const PROVIDER: UserId = UserId(id(0x301));
pub const PROVIDER_2: UserId = UserId(id(0x302));
pub const PROVIDER_3: UserId = UserId(id(0x303));
pub const PROVIDER_4: UserId = UserId(id(0x304));
pub const ADMIN: UserId = UserId(id(0x401));
/// Payments and scheduled jobs act as this user.
pub const SYSTEM: UserId = UserId(id(0x501));

pub const CARDIOLOGY: SpecialtyId = SpecialtyId(id(0x1001));
pub const ONCOLOGY: SpecialtyId = SpecialtyId(id(0x1002));
pub const NEUROLOGY: SpecialtyId = SpecialtyId(id(0x1003));

pub const CARDIOLOGY_REVIEW: ReviewTypeId = ReviewTypeId(id(0x2001));
pub const ONCOLOGY_REVIEW: ReviewTypeId = ReviewTypeId(id(0x2002));
pub const NEUROLOGY_REVIEW: ReviewTypeId = ReviewTypeId(id(0x2003));

pub const CORONARY: DiseaseCategoryId = DiseaseCategoryId(id(0x3001));
pub const HEART_FAILURE: DiseaseCategoryId = DiseaseCategoryId(id(0x3002));
pub const ARRHYTHMIA: DiseaseCategoryId = DiseaseCategoryId(id(0x3003));
pub const BREAST_CANCER: DiseaseCategoryId = DiseaseCategoryId(id(0x3004));
pub const LUNG_CANCER: DiseaseCategoryId = DiseaseCategoryId(id(0x3005));
pub const EPILEPSY: DiseaseCategoryId = DiseaseCategoryId(id(0x3006));
pub const MULTIPLE_SCLEROSIS: DiseaseCategoryId = DiseaseCategoryId(id(0x3007));

fn user(id: UserId, name: &str, email: &str, role: Role, specialties: &[SpecialtyId]) -> User {
    User {
        id,
        name: name.into(),
        email: email.into(),
        role,
        specialty_ids: specialties.to_vec(),
        active: true,
    }
}

/// The demo configuration.
pub fn catalog() -> Catalog {
    let specialty = |id, en: &str, ar: &str| Specialty {
        id,
        name_en: en.into(),
        name_ar: ar.into(),
    };
    let review = |id, en: &str, ar: &str, price_minor, days, specialty_id| ReviewType {
        id,
        name_en: en.into(),
        name_ar: ar.into(),
        price_minor,
        currency: "SAR".into(),
        expected_review_days: days,
        specialty_id,
        active: true,
    };
    let category = |id, en: &str, ar: &str, specialty_id, providers: &[UserId]| DiseaseCategory {
        id,
        label_en: en.into(),
        label_ar: ar.into(),
        specialty_id,
        provider_ids: providers.to_vec(),
        active: true,
    };
    Catalog {
        users: vec![
            user(
                REQUESTER,
                "Noura Al-Harbi",
                "requester@demo.hospital",
                Role::Requester,
                &[],
            ),
            user(
                REQUESTER_2,
                "Omar Haddad",
                "requester2@demo.hospital",
                Role::Requester,
                &[],
            ),
            user(
                COORDINATOR,
                "Dr. Layla Mansour",
                "coordinator@demo.hospital",
                Role::Coordinator,
                &[CARDIOLOGY, NEUROLOGY],
            ),
            user(
                COORDINATOR_2,
                "Dr. Samir Khalil",
                "coordinator2@demo.hospital",
                Role::Coordinator,
                &[ONCOLOGY],
            ),
            user(
                PROVIDER,
                "Dr. Ahmed Al-Rashid",
                "provider@demo.hospital",
                Role::Provider,
                &[CARDIOLOGY],
            ),
            user(
                PROVIDER_2,
                "Dr. Sara Youssef",
                "provider2@demo.hospital",
                Role::Provider,
                &[CARDIOLOGY],
            ),
            user(
                PROVIDER_3,
                "Dr. Karim Nasser",
                "provider3@demo.hospital",
                Role::Provider,
                &[ONCOLOGY],
            ),
            user(
                PROVIDER_4,
                "Dr. Huda Saleh",
                "provider4@demo.hospital",
                Role::Provider,
                &[NEUROLOGY],
            ),
            user(
                ADMIN,
                "Fatimah Al-Qahtani",
                "admin@demo.hospital",
                Role::Admin,
                &[],
            ),
            user(
                SYSTEM,
                "Second Opinion (system)",
                "system@second-opinion.local",
                Role::System,
                &[],
            ),
        ],
        specialties: vec![
            specialty(CARDIOLOGY, "Cardiology", "أمراض القلب"),
            specialty(ONCOLOGY, "Oncology", "الأورام"),
            specialty(NEUROLOGY, "Neurology", "طب الأعصاب"),
        ],
        review_types: vec![
            review(
                CARDIOLOGY_REVIEW,
                "Cardiology second opinion",
                "رأي ثانٍ في أمراض القلب",
                150_000,
                7,
                CARDIOLOGY,
            ),
            review(
                ONCOLOGY_REVIEW,
                "Oncology tumour board review",
                "مراجعة مجلس الأورام",
                300_000,
                10,
                ONCOLOGY,
            ),
            review(
                NEUROLOGY_REVIEW,
                "Neurology second opinion",
                "رأي ثانٍ في طب الأعصاب",
                180_000,
                7,
                NEUROLOGY,
            ),
        ],
        disease_categories: vec![
            category(
                CORONARY,
                "Coronary artery disease",
                "مرض الشريان التاجي",
                CARDIOLOGY,
                &[PROVIDER, PROVIDER_2],
            ),
            category(
                HEART_FAILURE,
                "Heart failure",
                "قصور القلب",
                CARDIOLOGY,
                &[PROVIDER, PROVIDER_2],
            ),
            category(
                ARRHYTHMIA,
                "Arrhythmia",
                "اضطراب نظم القلب",
                CARDIOLOGY,
                &[PROVIDER, PROVIDER_2],
            ),
            category(
                BREAST_CANCER,
                "Breast cancer",
                "سرطان الثدي",
                ONCOLOGY,
                &[PROVIDER_3],
            ),
            category(
                LUNG_CANCER,
                "Lung cancer",
                "سرطان الرئة",
                ONCOLOGY,
                &[PROVIDER_3],
            ),
            category(EPILEPSY, "Epilepsy", "الصرع", NEUROLOGY, &[PROVIDER_4]),
            category(
                MULTIPLE_SCLEROSIS,
                "Multiple sclerosis",
                "التصلب المتعدد",
                NEUROLOGY,
                &[PROVIDER_4],
            ),
        ],
    }
}
