import { Alert, Button, Code, CopyButton, Group, Text } from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { CaseDetail } from "../api/types";
import { formatMoney } from "../lib/format";
import { notifyError } from "../lib/notify";

const paymentLinkKey = (caseId: string) => ["payment-link", caseId] as const;

/**
 * The requester's "Pay now" while the case awaits payment (`detail.paymentDue`, the core's
 * rule): the amount, and a button that opens the payment page in the system browser. Nothing here waits for the payment: when
 * the provider's callback lands, the case changes by itself (the shell's data-changed
 * event refreshes it) and this panel goes away.
 */
export function PayNow({ detail }: { detail: CaseDetail }) {
  const due = detail.paymentDue;
  const link = useQuery({
    queryKey: paymentLinkKey(detail.id),
    queryFn: () => api.paymentLink(detail.id),
    enabled: due,
  });
  const open = useMutation({
    mutationFn: async () => {
      const view = link.data?.url ? link.data : await api.paymentLink(detail.id);
      if (!view.url) throw new Error("This case has nothing left to pay.");
      await api.openInBrowser(view.url);
    },
    onError: (error) => notifyError(error, "Could not open the payment page"),
  });
  if (!due) return null;

  const amount = link.data ? formatMoney(link.data.amountMinor, link.data.currency) : null;
  return (
    <Alert color="blue" title="Payment due" data-testid="payment-due">
      <Group justify="space-between" align="center" wrap="wrap" gap="sm">
        <Text size="sm" maw={520}>
          {amount ? (
            <>
              Pay <strong data-testid="payment-amount">{amount}</strong> to start the review.{" "}
            </>
          ) : null}
          The payment page opens in your browser; this case updates by itself once the payment is
          received.
        </Text>
        <Button
          onClick={() => open.mutate()}
          loading={open.isPending || link.isPending}
          data-testid="action-pay-now"
        >
          {amount ? `Pay now · ${amount}` : "Pay now"}
        </Button>
      </Group>
      {link.data?.url && (
        <Group gap="xs" mt="xs" wrap="nowrap" align="center">
          <Text size="xs" c="dimmed">
            If no browser opens, open this address yourself:
          </Text>
          <Code data-testid="payment-url" style={{ wordBreak: "break-all" }}>
            {link.data.url}
          </Code>
          <CopyButton value={link.data.url}>
            {({ copied, copy }) => (
              <Button size="compact-xs" variant="subtle" onClick={copy}>
                {copied ? "Copied" : "Copy"}
              </Button>
            )}
          </CopyButton>
        </Group>
      )}
      {link.isError && (
        <Text size="sm" c="red" mt="xs" data-testid="payment-error">
          {link.error.message}
        </Text>
      )}
    </Alert>
  );
}
