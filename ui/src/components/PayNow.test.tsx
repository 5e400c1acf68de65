import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { openUrl } from "@tauri-apps/plugin-opener";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { PaymentLinkView } from "../bindings/PaymentLinkView";
import { CaseDetailPage } from "../pages/CaseDetailPage";
import { actions, caseDetail, catalog, patient } from "../test/fixtures";
import { callsOf, fail, invokeMock, routeInvoke } from "../test/invoke";
import { renderWithProviders } from "../test/render";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
// The plugin is a dependency (not transformed), so its own `invoke` is not the mock above.
vi.mock("@tauri-apps/plugin-opener", () => ({ openUrl: vi.fn() }));

const openUrlMock = vi.mocked(openUrl);

const awaiting = caseDetail({ status: "awaiting_payment", paymentDue: true, actions: actions({ cancel: true }) });

const pending: PaymentLinkView = {
  url: "http://127.0.0.1:40123/sandbox/pay/abc.def",
  amountMinor: 150000,
  currency: "SAR",
  status: "pending",
};

function setup(detail = awaiting, link: () => unknown = () => pending) {
  routeInvoke({
    get_case: () => detail,
    catalog: () => catalog,
    list_cases: () => [],
    list_patients: () => [patient],
    payment_link: link,
  });
  const user = userEvent.setup();
  renderWithProviders(<CaseDetailPage caseId={detail.id} />);
  return user;
}

describe("Pay now", () => {
  beforeEach(() => {
    invokeMock.mockReset();
    openUrlMock.mockReset();
    openUrlMock.mockResolvedValue(undefined);
  });

  it("shows the requester the amount and opens the payment page in the system browser", async () => {
    const user = setup();
    expect(await screen.findByTestId("payment-amount")).toHaveTextContent("SAR 1,500.00");
    const button = screen.getByTestId("action-pay-now");
    await waitFor(() => expect(button).toBeEnabled());
    expect(button).toHaveTextContent("Pay now · SAR 1,500.00");
    expect(callsOf("payment_link")).toEqual([[{ caseId: awaiting.id }, undefined]]);

    await user.click(button);
    await waitFor(() => expect(openUrlMock).toHaveBeenCalledWith(pending.url));
    expect(openUrlMock).toHaveBeenCalledTimes(1);
  });

  it("shows the payment page's address for when no browser opens", async () => {
    setup();
    expect(await screen.findByTestId("payment-url")).toHaveTextContent(pending.url ?? "");
  });

  it("shows no address once nothing is left to pay", async () => {
    setup(awaiting, () => ({ ...pending, url: null, status: "paid" }));
    await screen.findByTestId("action-pay-now");
    await waitFor(() => expect(callsOf("payment_link")).toHaveLength(1));
    expect(screen.queryByTestId("payment-url")).toBeNull();
  });

  it("is not offered when the core says the user is not the one to pay (an admin)", async () => {
    setup({ ...awaiting, paymentDue: false });
    expect(await screen.findByTestId("case-status")).toHaveTextContent(/^Awaiting payment$/);
    expect(screen.queryByTestId("action-pay-now")).not.toBeInTheDocument();
    expect(callsOf("payment_link")).toHaveLength(0);
  });

  it("goes away when the case is paid", async () => {
    setup(caseDetail({ status: "payment_successful" }));
    expect(await screen.findByTestId("case-status")).toHaveTextContent(/^Payment successful$/);
    expect(screen.queryByTestId("payment-due")).not.toBeInTheDocument();
    expect(callsOf("payment_link")).toHaveLength(0);
  });

  it("says why when the link cannot be had, and tries again on click", async () => {
    let calls = 0;
    const user = setup(awaiting, () => {
      calls += 1;
      if (calls === 1) fail("offline", "The server cannot be reached.");
      return pending;
    });
    expect(await screen.findByTestId("payment-error")).toHaveTextContent("The server cannot be reached.");
    await user.click(screen.getByTestId("action-pay-now"));
    await waitFor(() => expect(openUrlMock).toHaveBeenCalledWith(pending.url));
  });

  it("shows a notification when the browser cannot be opened", async () => {
    openUrlMock.mockRejectedValue("not allowed by scope");
    const user = setup();
    const button = await screen.findByTestId("action-pay-now");
    await waitFor(() => expect(button).toBeEnabled());
    await user.click(button);
    expect(await screen.findByText("not allowed by scope")).toBeInTheDocument();
  });
});
