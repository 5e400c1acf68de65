import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { renderWithProviders } from "../test/render";
import { ActionButton } from "./ActionButton";

describe("ActionButton", () => {
  it("renders nothing when the action is hidden", () => {
    renderWithProviders(
      <ActionButton presentation={{ visible: false }} onClick={() => {}} data-testid="action-reject">
        Reject
      </ActionButton>,
    );
    expect(screen.queryByTestId("action-reject")).not.toBeInTheDocument();
  });

  it("is a working button when allowed", async () => {
    const onClick = vi.fn();
    renderWithProviders(
      <ActionButton presentation={{ visible: true, enabled: true }} onClick={onClick} data-testid="action-submit">
        Submit case
      </ActionButton>,
    );
    await userEvent.click(screen.getByTestId("action-submit"));
    expect(onClick).toHaveBeenCalledOnce();
    expect(screen.queryByTestId("action-submit-reason")).not.toBeInTheDocument();
  });

  it("is disabled with the refusal visible when not allowed", async () => {
    const onClick = vi.fn();
    const reason = "Attach at least one document before submitting.";
    renderWithProviders(
      <ActionButton presentation={{ visible: true, enabled: false, reason }} onClick={onClick} data-testid="action-submit">
        Submit case
      </ActionButton>,
    );
    const button = screen.getByTestId("action-submit");
    expect(button).toBeDisabled();
    expect(button).toHaveAttribute("data-reason", reason);
    expect(screen.getByTestId("action-submit-reason")).toHaveTextContent(reason);
    await userEvent.click(button).catch(() => {});
    expect(onClick).not.toHaveBeenCalled();
  });
});
