import { beforeEach, describe, expect, it, vi } from "vitest";
import { callsOf, fail, invokeMock, routeInvoke } from "../test/invoke";
import { api, checkDocumentFile, CommandError, fieldKey, MAX_DOCUMENT_BYTES, normaliseError } from "./client";
import { COMMANDS } from "./commands";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));

function fileOfSize(name: string, size: number, type = "application/pdf"): File {
  const file = new File(["%PDF-1.7"], name, { type });
  Object.defineProperty(file, "size", { value: size });
  return file;
}

describe("normaliseError", () => {
  it("keeps the core's { code, message, field }", () => {
    const e = normaliseError({ code: "invalid_input", message: "The full name is required.", field: "fullName" });
    expect(e).toBeInstanceOf(CommandError);
    expect(e.toJSON()).toEqual({ code: "invalid_input", message: "The full name is required.", field: "fullName" });
  });
  it("maps an unknown code to internal but keeps the message", () => {
    expect(normaliseError({ code: "brand_new", message: "Something new" }).toJSON()).toEqual({
      code: "internal",
      message: "Something new",
      field: null,
    });
  });
  it("turns Tauri's plain string failures into internal errors", () => {
    expect(normaliseError("command foo not found").toJSON()).toEqual({
      code: "internal",
      message: "command foo not found",
      field: null,
    });
  });
  it("handles Errors, empty values and junk", () => {
    expect(normaliseError(new Error("boom")).message).toBe("boom");
    expect(normaliseError(undefined).message).toBe("Unexpected error");
    expect(normaliseError({ code: "not_found", message: "", field: "" }).toJSON()).toEqual({
      code: "not_found",
      message: "Unexpected error",
      field: null,
    });
  });
  it("returns a CommandError unchanged", () => {
    const e = new CommandError({ code: "conflict", message: "x", field: null });
    expect(normaliseError(e)).toBe(e);
  });
});

describe("fieldKey", () => {
  it("maps the core's field names to form keys", () => {
    expect(fieldKey("fullName")).toBe("fullName");
    expect(fieldKey("full_name")).toBe("fullName");
    expect(fieldKey("input.clinicalSummary")).toBe("clinicalSummary");
    expect(fieldKey("documents[2].name")).toBe("documents");
    expect(fieldKey(null)).toBeNull();
    expect(fieldKey("")).toBeNull();
  });
});

describe("checkDocumentFile", () => {
  it("refuses files over 25 MiB with a clear message", () => {
    const refusal = checkDocumentFile({ name: "scan.dcm", size: MAX_DOCUMENT_BYTES + 1 });
    expect(refusal?.code).toBe("too_large");
    expect(refusal?.message).toMatch(/scan\.dcm.*25 MB/);
  });
  it("accepts exactly 25 MiB and refuses empty files", () => {
    expect(checkDocumentFile({ name: "a.pdf", size: MAX_DOCUMENT_BYTES })).toBeNull();
    expect(checkDocumentFile({ name: "a.pdf", size: 0 })?.code).toBe("invalid_input");
  });
});

describe("api", () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  it("passes camelCase arguments to the commands", async () => {
    routeInvoke({ cancel_case: () => ({}), assign_coordinator: () => ({}), list_cases: () => [] });
    await api.cancelCase("c-1", null);
    await api.assignCoordinator("c-1", "u-2");
    await api.listCases({ status: "draft", search: null });
    expect(invokeMock).toHaveBeenCalledWith("cancel_case", { caseId: "c-1", reason: null }, undefined);
    expect(invokeMock).toHaveBeenCalledWith("assign_coordinator", { caseId: "c-1", coordinatorId: "u-2" }, undefined);
    expect(invokeMock).toHaveBeenCalledWith("list_cases", { filter: { status: "draft", search: null } }, undefined);
  });

  it("asks for a page of the case list with its query", async () => {
    const page = { rows: [], total: 0, nextCursor: null };
    routeInvoke({ case_page: () => page });
    const query = {
      status: null,
      reviewTypeId: null,
      diseaseCategoryId: null,
      coordinatorId: null,
      providerId: null,
      createdFrom: "2026-11-01",
      createdTo: null,
      updatedFrom: null,
      updatedTo: null,
      timeZone: "Asia/Riyadh",
      overdue: true,
      search: null,
      sort: "patientName",
      direction: "asc",
      cursor: "7b7d",
    };
    await expect(api.casePage(query)).resolves.toEqual(page);
    expect(invokeMock).toHaveBeenCalledWith("case_page", { query }, undefined);
  });

  it("rejects with a normalised CommandError", async () => {
    routeInvoke({
      get_case: () => {
        fail("not_found", "Case not found.");
      },
    });
    await expect(api.getCase("nope")).rejects.toMatchObject({ name: "CommandError", code: "not_found", message: "Case not found." });
  });

  it("stages a document as raw bytes with its name and media type in headers", async () => {
    routeInvoke({
      stage_document: () => ({ name: "é.pdf", mediaType: "application/pdf", sha256: "b".repeat(64), sizeBytes: 8 }),
    });
    const staged = await api.stageDocument(new File(["%PDF-1.7"], "é.pdf", { type: "application/pdf" }));
    expect(staged.sha256).toBe("b".repeat(64));
    const [body, options] = callsOf<Uint8Array>("stage_document")[0]!;
    expect(body).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(body)).toBe("%PDF-1.7");
    expect(options?.headers).toEqual({ "x-file-name": "%C3%A9.pdf", "x-media-type": "application/pdf" });
  });

  it("falls back to application/octet-stream when the browser knows no media type", async () => {
    routeInvoke({ stage_document: () => ({}) });
    await api.stageDocument(new File(["x"], "notes.xyz"));
    const [, options] = callsOf("stage_document")[0]!;
    expect(options?.headers).toMatchObject({ "x-media-type": "application/octet-stream" });
  });

  it("refuses a file over the limit before sending any byte", async () => {
    routeInvoke({ stage_document: () => ({}) });
    await expect(api.stageDocument(fileOfSize("huge.pdf", MAX_DOCUMENT_BYTES + 1))).rejects.toMatchObject({
      code: "too_large",
    });
    expect(invokeMock).not.toHaveBeenCalled();
  });
});

describe("the command surface", () => {
  it("invokes exactly the shell's commands (src-tauri/src/command_list.rs), each from a client function", async () => {
    invokeMock.mockReset();
    invokeMock.mockResolvedValue(null);
    // Every client function, with a small document for each argument: enough for each to
    // reach its command, whose name is all this test looks at.
    const file = fileOfSize("a.pdf", 8);
    for (const fn of Object.values(api) as ((...args: unknown[]) => Promise<unknown>)[]) {
      try {
        await fn(file, file, file, file);
      } catch {
        // What it answers does not matter here.
      }
    }
    // The plugins' own commands (the Save dialog, the opener) are not the shell's.
    const invoked = new Set(invokeMock.mock.calls.map(([command]) => command).filter((c) => !c.startsWith("plugin:")));
    const listed = new Set<string>(COMMANDS);
    expect({
      notInvoked: [...listed].filter((c) => !invoked.has(c)),
      notCommands: [...invoked].filter((c) => !listed.has(c)),
    }).toEqual({ notInvoked: [], notCommands: [] });
    expect(listed.size).toBe(COMMANDS.length);
  });
});
