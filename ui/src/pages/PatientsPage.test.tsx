import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Patient, PatientInput } from "../api/types";
import { EARLIEST_DATE_OF_BIRTH } from "../bindings/limits";
import { capabilities, patient } from "../test/fixtures";
import { callsOf, fail, type Handler, invokeMock, routeInvoke } from "../test/invoke";
import { renderWithProviders } from "../test/render";
import { PatientsPage } from "./PatientsPage";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

const REQUESTER = capabilities({ patients: true, managePatients: true });

function backend(extra: Record<string, Handler> = {}) {
  const patients: Patient[] = [patient];
  routeInvoke({
    list_patients: () => [...patients],
    create_patient: (args) => {
      const input = (args as { input: PatientInput }).input;
      const created = { ...input, id: `p-${patients.length + 1}`, ownerId: "u-req", createdAt: "2025-03-01T00:00:00Z", updatedAt: "2025-03-01T00:00:00Z" };
      patients.push(created);
      return created;
    },
    ...extra,
  });
}

describe("PatientsPage", () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  it("creates a patient from typed values (date of birth typed as YYYY-MM-DD)", async () => {
    backend();
    const user = userEvent.setup();
    renderWithProviders(<PatientsPage capabilities={REQUESTER} />);
    expect(await screen.findAllByTestId("patient-row")).toHaveLength(1);

    await user.click(screen.getByTestId("patient-new"));
    await user.type(await screen.findByTestId("patient-full-name"), "  Sami Saleh ");
    await user.type(screen.getByTestId("patient-dob"), "1975-11-02");
    await user.selectOptions(screen.getByTestId("patient-sex"), "Male");
    await user.type(screen.getByTestId("patient-mrn"), "MRN-77");
    await user.click(screen.getByTestId("patient-save"));

    await waitFor(() => expect(callsOf("create_patient")).toHaveLength(1));
    expect(callsOf("create_patient")[0]![0]).toEqual({
      input: { fullName: "Sami Saleh", dateOfBirth: "1975-11-02", sex: "male", medicalRecordNumber: "MRN-77", phone: null },
    });
    await waitFor(() => expect(screen.getAllByTestId("patient-row")).toHaveLength(2));
    expect(screen.queryByTestId("patient-save")).not.toBeInTheDocument();
  });

  it("validates before sending", async () => {
    backend();
    const user = userEvent.setup();
    renderWithProviders(<PatientsPage capabilities={REQUESTER} />);
    await user.click(await screen.findByTestId("patient-new"));
    await user.type(await screen.findByTestId("patient-dob"), "02/11/1975");
    await user.click(screen.getByTestId("patient-save"));
    expect(await screen.findByText("Full name is required")).toBeInTheDocument();
    expect(screen.getByText("Enter the date of birth as YYYY-MM-DD")).toBeInTheDocument();
    expect(screen.getByText("Sex is required")).toBeInTheDocument();
    expect(callsOf("create_patient")).toHaveLength(0);
  });

  it("shows the core's field error on its field", async () => {
    backend({
      create_patient: () => {
        fail("invalid_input", "The phone number may contain only digits.", "phone");
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<PatientsPage capabilities={REQUESTER} />);
    await user.click(await screen.findByTestId("patient-new"));
    await user.type(await screen.findByTestId("patient-full-name"), "Sami");
    await user.type(screen.getByTestId("patient-dob"), "1975-11-02");
    await user.selectOptions(screen.getByTestId("patient-sex"), "Male");
    await user.type(screen.getByTestId("patient-phone"), "call me");
    await user.click(screen.getByTestId("patient-save"));

    await waitFor(() => expect(screen.getByTestId("patient-phone")).toHaveAttribute("aria-invalid", "true"));
    expect(screen.getAllByText("The phone number may contain only digits.").length).toBeGreaterThanOrEqual(2);
  });

  it("edits a patient with update_patient", async () => {
    backend({ update_patient: (args) => ({ ...patient, ...(args as { input: PatientInput }).input }) });
    const user = userEvent.setup();
    renderWithProviders(<PatientsPage capabilities={REQUESTER} />);
    const row = (await screen.findAllByTestId("patient-row"))[0]!;
    await user.click(within(row).getByTestId("patient-edit"));
    const name = await screen.findByTestId("patient-full-name");
    expect(name).toHaveValue("Huda Patient");
    expect(screen.getByTestId("patient-dob")).toHaveValue("1980-04-12");
    await user.clear(name);
    await user.type(name, "Huda P. Patient");
    await user.click(screen.getByTestId("patient-save"));
    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith(
        "update_patient",
        {
          patientId: patient.id,
          input: { fullName: "Huda P. Patient", dateOfBirth: "1980-04-12", sex: "female", medicalRecordNumber: "MRN-1", phone: null },
        },
        undefined,
      ),
    );
  });

  it("refuses a date of birth before the core's earliest before sending", async () => {
    backend();
    const user = userEvent.setup();
    renderWithProviders(<PatientsPage capabilities={REQUESTER} />);
    await user.click(await screen.findByTestId("patient-new"));
    await user.type(await screen.findByTestId("patient-full-name"), "Old Timer");
    await user.type(screen.getByTestId("patient-dob"), "1899-12-31");
    await user.selectOptions(screen.getByTestId("patient-sex"), "Male");
    await user.click(screen.getByTestId("patient-save"));
    expect(await screen.findByText(`Date of birth cannot be before ${EARLIEST_DATE_OF_BIRTH}`)).toBeInTheDocument();
    expect(callsOf("create_patient")).toHaveLength(0);
  });

  it("is read-only without managePatients (an admin)", async () => {
    backend();
    renderWithProviders(<PatientsPage capabilities={capabilities({ patients: true })} />);
    expect(await screen.findAllByTestId("patient-row")).toHaveLength(1);
    expect(screen.queryByTestId("patient-new")).not.toBeInTheDocument();
    expect(screen.queryByTestId("patient-edit")).not.toBeInTheDocument();
  });

  it("lists no patients without the Patients capability", async () => {
    backend();
    renderWithProviders(<PatientsPage capabilities={capabilities({ managePatients: true })} />);
    expect(await screen.findByText(/You see a patient through the cases you work on/)).toBeInTheDocument();
    expect(screen.queryByTestId("patient-new")).not.toBeInTheDocument();
    expect(callsOf("list_patients")).toHaveLength(0);
  });
});
