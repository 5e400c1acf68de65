// The review's parts of CaseDetail, named for the components that show them. Derived from
// the generated CaseDetail (src/bindings) rather than copied.
import type { CaseDetail } from "../../api/types";

export type AssignmentView = CaseDetail["assignments"][number];
export type AssignmentStatus = AssignmentView["status"];
export type OpinionView = CaseDetail["opinions"][number];
export type DocumentRequestView = CaseDetail["documentRequests"][number];
export type ReturnIssueView = CaseDetail["returnIssues"][number];
export type ProviderSummary = CaseDetail["eligibleProviders"][number];
