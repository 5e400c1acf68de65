import type { Catalog, DiseaseCategory, Patient, ReviewType, UserSummary } from "../api/types";

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

export function specialtyName(catalog: Catalog | undefined, specialtyId: string): string | null {
  return catalog?.specialties.find((s) => s.id === specialtyId)?.nameEn ?? null;
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
          ? `${p.fullName} (${p.medicalRecordNumber ? `MRN ${p.medicalRecordNumber}` : `born ${p.dateOfBirth}`})`
          : p.fullName,
    }));
}
