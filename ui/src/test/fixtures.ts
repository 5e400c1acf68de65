import type {
  ActionAvailability,
  ActionKind,
  AppointmentView,
  Capabilities,
  CaseDetail,
  CaseTalk,
  IssueView,
  Catalog,
  Patient,
  RefusalCode,
  UserSummary,
} from "../api/types";

export const requester: UserSummary = {
  id: "u-req",
  name: "Rana Requester",
  role: "requester",
  email: "rana@hospital.test",
  specialtyIds: [],
  active: true,
};

export const admin: UserSummary = {
  id: "u-admin",
  name: "Adam Admin",
  role: "admin",
  email: "adam@ops.test",
  specialtyIds: [],
  active: true,
};

export const provider: UserSummary = {
  id: "u-prov",
  name: "Dr. Pia Provider",
  role: "provider",
  email: "pia@hospital.test",
  specialtyIds: ["sp-cardio"],
  active: true,
};

export const cardioCoordinator: UserSummary = {
  id: "u-coord-cardio",
  name: "Carla Cardio",
  role: "coordinator",
  email: "carla@hospital.test",
  specialtyIds: ["sp-cardio"],
  active: true,
};

export const oncoCoordinator: UserSummary = {
  id: "u-coord-onco",
  name: "Omar Onco",
  role: "coordinator",
  email: "omar@hospital.test",
  specialtyIds: ["sp-onco"],
  active: true,
};

export const catalog: Catalog = {
  specialties: [
    { id: "sp-cardio", nameEn: "Cardiology", nameAr: "أمراض القلب" },
    { id: "sp-onco", nameEn: "Oncology", nameAr: "الأورام" },
  ],
  reviewTypes: [
    {
      id: "rt-cardio",
      nameEn: "Cardiac review",
      nameAr: "مراجعة القلب",
      priceMinor: 150000,
      currency: "SAR",
      expectedReviewDays: 5,
      specialtyId: "sp-cardio",
      active: true,
    },
    {
      id: "rt-onco",
      nameEn: "Tumour board",
      nameAr: "مجلس الأورام",
      priceMinor: 250000,
      currency: "SAR",
      expectedReviewDays: 7,
      specialtyId: "sp-onco",
      active: true,
    },
  ],
  diseaseCategories: [
    { id: "dc-arrhythmia", labelEn: "Arrhythmia", labelAr: "اضطراب النظم", specialtyId: "sp-cardio", providerIds: [], active: true },
    { id: "dc-valve", labelEn: "Valve disease", labelAr: "أمراض الصمامات", specialtyId: "sp-cardio", providerIds: [], active: true },
    { id: "dc-breast", labelEn: "Breast cancer", labelAr: "سرطان الثدي", specialtyId: "sp-onco", providerIds: [], active: true },
  ],
  coordinators: [cardioCoordinator, oncoCoordinator],
};

export const patient: Patient = {
  id: "p-1",
  ownerId: "u-req",
  fullName: "Huda Patient",
  dateOfBirth: "1980-04-12",
  sex: "female",
  medicalRecordNumber: "MRN-1",
  phone: null,
  createdAt: "2025-01-01T10:00:00Z",
  updatedAt: "2025-01-01T10:00:00Z",
};

/** The navigation's screens as the core gives them; none unless overridden. */
export function capabilities(overrides: Partial<Capabilities> = {}): Capabilities {
  return {
    patients: false,
    managePatients: false,
    createCases: false,
    invoices: false,
    serviceRecords: false,
    configure: false,
    ...overrides,
  };
}

/** What the demo core answers `capabilities` with for each role (tests of the shell mock the core with these). */
export const CAPABILITIES_OF: Record<UserSummary["role"], Capabilities> = {
  requester: capabilities({ patients: true, managePatients: true, createCases: true, invoices: true }),
  admin: capabilities({ patients: true, invoices: true, configure: true }),
  coordinator: capabilities(),
  provider: capabilities({ serviceRecords: true }),
  system: capabilities(),
};

/** `true` for allowed, or the refusal's code and message. */
export function actions(
  entries: Partial<Record<ActionKind, true | { code: RefusalCode; message: string }>>,
): ActionAvailability[] {
  return Object.entries(entries).map(([action, v]) => ({
    action: action as ActionKind,
    allowed: v === true,
    reason: v === true || v === undefined ? null : { code: v.code, message: v.message, field: null },
  }));
}

export function caseDetail(overrides: Partial<CaseDetail> = {}): CaseDetail {
  const [reviewType] = catalog.reviewTypes;
  const [diseaseCategory] = catalog.diseaseCategories;
  return {
    id: "c-1",
    reference: "SO-0001",
    status: "submitted",
    patientName: patient.fullName,
    reviewTypeName: reviewType!.nameEn,
    diseaseCategoryLabel: diseaseCategory!.labelEn,
    coordinatorName: null,
    createdAt: "2025-02-01T09:00:00Z",
    updatedAt: "2025-02-01T09:30:00Z",
    patient,
    reviewType: reviewType!,
    diseaseCategory: diseaseCategory!,
    question: "Is ablation indicated?",
    clinicalSummary: "Palpitations for two years.",
    documents: [
      {
        id: "d-1",
        name: "ecg.pdf",
        kind: "medical_report",
        mediaType: "application/pdf",
        sha256: "a".repeat(64),
        sizeBytes: 2048,
        uploadedBy: requester.id,
        uploadedAt: "2025-02-01T09:00:00Z",
      },
    ],
    coordinator: null,
    timeline: [
      {
        at: "2025-02-01T09:00:00Z",
        actorName: requester.name,
        actorRole: "requester",
        label: "New case created",
        detail: null,
      },
    ],
    actions: [],
    cancelReason: null,
    rejectReason: null,
    assignments: [],
    opinions: [],
    documentRequests: [],
    returnIssues: [],
    finalSummary: null,
    completedAt: null,
    eligibleProviders: [],
    opinionDraftAllowed: false,
    reportAvailable: false,
    invoice: null,
    refund: null,
    talk: talk(),
    cancelTerms: { reasonRequired: false, refundDue: false },
    paymentDue: false,
    ...overrides,
  };
}

/** The case screen's talk part: nothing arranged, nothing to do, unless overridden. */
export function talk(overrides: Partial<CaseTalk> = {}): CaseTalk {
  return {
    appointments: [],
    issues: [],
    invitees: [],
    canReportIssue: false,
    chatAvailable: false,
    chatUnread: 0,
    canSendOverdueReminder: false,
    ...overrides,
  };
}

const NO_APPOINTMENT_ACTIONS = { accept: false, reject: false, edit: false, cancel: false, complete: false };

/** An appointment the requester proposed to the cardiology coordinator, pending. */
export function appointment(overrides: Partial<AppointmentView> = {}): AppointmentView {
  return {
    id: "a-1",
    caseId: "c-1",
    caseReference: "SO-0001",
    createdBy: { id: requester.id, name: requester.name, role: "requester" },
    invitee: { id: cardioCoordinator.id, name: cardioCoordinator.name, role: "coordinator" },
    participantName: cardioCoordinator.name,
    kind: "requester",
    proposedBy: requester.id,
    startsAt: "2030-05-02T09:00:00Z",
    endsAt: "2030-05-02T09:30:00Z",
    durationMinutes: 30,
    timeZone: "UTC",
    purpose: "Discuss the scan",
    status: "pending",
    reason: null,
    updatedAt: "2030-05-01T08:00:00Z",
    unread: false,
    conflicts: [],
    actions: NO_APPOINTMENT_ACTIONS,
    ...overrides,
  };
}

const NO_ISSUE_ACTIONS = { edit: false, delete: false, resolve: false };

export function issue(overrides: Partial<IssueView> = {}): IssueView {
  return {
    id: "i-1",
    isReturn: false,
    title: "Scan images unreadable",
    description: "The CT series is truncated.",
    reportedBy: { id: provider.id, name: provider.name, role: "provider" },
    resolved: false,
    reportedAt: "2030-04-30T10:00:00Z",
    resolvedAt: null,
    actions: NO_ISSUE_ACTIONS,
    ...overrides,
  };
}
