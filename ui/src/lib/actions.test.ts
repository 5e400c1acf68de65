import { describe, expect, it } from "vitest";
import { actions } from "../test/fixtures";
import { isAllowed, presentAction } from "./actions";
import { ACTION_KINDS, actionLabel } from "./labels";

describe("presentAction", () => {
  const list = actions({
    submit: true,
    cancel: { code: "invalid_status", message: "This case is completed; it can no longer change." },
    reject: { code: "forbidden", message: "As a requester you cannot reject a case." },
  });

  it("shows and enables an allowed action", () => {
    expect(presentAction(list, "submit")).toEqual({ visible: true, enabled: true });
    expect(isAllowed(list, "submit")).toBe(true);
  });
  it("shows a refused action disabled, with the core's message", () => {
    expect(presentAction(list, "cancel")).toEqual({
      visible: true,
      enabled: false,
      reason: "This case is completed; it can no longer change.",
    });
    expect(isAllowed(list, "cancel")).toBe(false);
  });
  it("hides what the role may never do, and what is not listed", () => {
    expect(presentAction(list, "reject")).toEqual({ visible: false });
    expect(presentAction(list, "assign_coordinator")).toEqual({ visible: false });
  });
  it("explains a refusal that came without a message", () => {
    const p = presentAction([{ action: "submit", allowed: false, reason: null }], "submit");
    expect(p).toMatchObject({ visible: true, enabled: false, reason: "Not available for this case." });
  });
});

describe("actionLabel", () => {
  it("has a label for each of the 17 domain actions and copes with new ones", () => {
    expect(ACTION_KINDS).toHaveLength(17);
    for (const kind of ACTION_KINDS) expect(actionLabel(kind)).not.toMatch(/_/);
    expect(actionLabel("send_flowers")).toBe("Send flowers");
  });
});
