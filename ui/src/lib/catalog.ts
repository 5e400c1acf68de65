import type { Catalog, DiseaseCategory, Patient, ReviewType, Specialty, UserSummary } from "../api/types";
import { i18n } from "../i18n";

// The catalog carries each name in English and Arabic (the seeds' service keeps both):
// the UI shows the one of its language, the English one where the Arabic is blank.

function inLanguage(en: string, ar: string): string {
  return i18n.language === "ar" && ar.trim() !== "" ? ar : en;
}

export function reviewTypeName(rt: Pick<ReviewType, "nameEn" | "nameAr">): string {
  return inLanguage(rt.nameEn, rt.nameAr);
}

export function diseaseCategoryLabel(dc: Pick<DiseaseCategory, "labelEn" | "labelAr">): string {
  return inLanguage(dc.labelEn, dc.labelAr);
}

export function specialtyLabel(sp: Pick<Specialty, "nameEn" | "nameAr">): string {
  return inLanguage(sp.nameEn, sp.nameAr);
}

/**
 * A name the core sent in English only (case lists, service records, a provider's
 * specialties carry no ids or Arabic names): the catalog's name in the UI's language when
 * one entry has exactly that English name, else the English as sent.
 */
export function reviewTypeNameOf(catalog: Catalog | undefined, nameEn: string): string {
  const found = catalog?.reviewTypes.filter((rt) => rt.nameEn === nameEn) ?? [];
  return found.length === 1 ? reviewTypeName(found[0]!) : nameEn;
}

export function diseaseCategoryLabelOf(catalog: Catalog | undefined, labelEn: string): string {
  const found = catalog?.diseaseCategories.filter((dc) => dc.labelEn === labelEn) ?? [];
  return found.length === 1 ? diseaseCategoryLabel(found[0]!) : labelEn;
}

export function specialtyNameOf(catalog: Catalog | undefined, nameEn: string): string {
  const found = catalog?.specialties.filter((sp) => sp.nameEn === nameEn) ?? [];
  return found.length === 1 ? specialtyLabel(found[0]!) : nameEn;
}

/** Retired entries (`active: false`) are not offered for new choices. The review types to offer: active ones, plus `keepId` (the one already chosen) even if retired. */
export function selectableReviewTypes(catalog: Catalog, keepId?: string): ReviewType[] {
  return catalog.reviewTypes.filter((rt) => rt.active || rt.id === keepId);
}

/** Disease categories of the review type's specialty (none until a review type is chosen). */
export function categoriesForReviewType(catalog: Catalog, reviewTypeId: string, keepId?: string): DiseaseCategory[] {
  const rt = catalog.reviewTypes.find((r) => r.id === reviewTypeId);
  if (!rt) return [];
  return catalog.diseaseCategories.filter(
    (c) => c.specialtyId === rt.specialtyId && (c.active || c.id === keepId),
  );
}

/** Coordinators configured for a specialty (the catalog lists active ones; the core checks eligibility again). */
export function coordinatorsForSpecialty(catalog: Catalog, specialtyId: string): UserSummary[] {
  return catalog.coordinators.filter((c) => c.specialtyIds.includes(specialtyId));
}

/** The specialty's name in the UI's language. */
export function specialtyName(catalog: Catalog | undefined, specialtyId: string): string | null {
  const sp = catalog?.specialties.find((s) => s.id === specialtyId);
  return sp ? specialtyLabel(sp) : null;
}

/** Option text is the patient's name alone (so it can be picked by its visible text), unless two share it. */
export function patientOptions(patients: readonly Patient[]): { value: string; label: string }[] {
  const counts = new Map<string, number>();
  for (const p of patients) counts.set(p.fullName, (counts.get(p.fullName) ?? 0) + 1);
  return [...patients]
    .sort((a, b) => a.fullName.localeCompare(b.fullName))
    .map((p) => ({
      value: p.id,
      label:
        (counts.get(p.fullName) ?? 0) > 1
          ? i18n.t("patients.optionWithDetail", {
              name: p.fullName,
              detail: p.medicalRecordNumber
                ? i18n.t("patients.optionMrn", { mrn: p.medicalRecordNumber })
                : i18n.t("patients.optionBorn", { date: p.dateOfBirth }),
            })
          : p.fullName,
    }));
}

/** The name in the language the UI is not in (shown beside the main one), with its language tag. */
export function otherLanguageName(en: string, ar: string): { text: string; lang: "en" | "ar" } | null {
  if (i18n.language === "ar") return ar.trim() !== "" ? { text: en, lang: "en" } : null;
  return ar.trim() !== "" ? { text: ar, lang: "ar" } : null;
}
