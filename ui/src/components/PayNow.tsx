import { Alert, Button, Code, CopyButton, Group, Text } from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Trans, useTranslation } from "react-i18next";
import { api, CommandError } from "../api/client";
import { i18n } from "../i18n";
import { ErrorText } from "./ErrorText";
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
  const { t } = useTranslation();
  const due = detail.paymentDue;
  const link = useQuery({
    queryKey: paymentLinkKey(detail.id),
    queryFn: () => api.paymentLink(detail.id),
    enabled: due,
  });
  const open = useMutation({
    mutationFn: async () => {
      const view = link.data?.url ? link.data : await api.paymentLink(detail.id);
      if (!view.url) {
        throw new CommandError({ code: "invalid_status", message: i18n.t("payment.nothingToPay"), field: null }, true);
      }
      await api.openInBrowser(view.url);
    },
    onError: (error) => notifyError(error, t("payment.openFailed")),
  });
  if (!due) return null;

  const amount = link.data ? formatMoney(link.data.amountMinor, link.data.currency) : null;
  return (
    <Alert color="blue" title={t("payment.due")} data-testid="payment-due">
      <Group justify="space-between" align="center" wrap="wrap" gap="sm">
        <Text size="sm" maw={520}>
          {amount ? (
            <>
              <Trans i18nKey="payment.pay" values={{ amount }} components={{ amount: <strong data-testid="payment-amount" /> }} />{" "}
            </>
          ) : null}
          {t("payment.howItWorks")}
        </Text>
        <Button
          onClick={() => open.mutate()}
          loading={open.isPending || link.isPending}
          data-testid="action-pay-now"
        >
          {amount ? t("payment.payNowAmount", { amount }) : t("payment.payNow")}
        </Button>
      </Group>
      {link.data?.url && (
        <Group gap="xs" mt="xs" wrap="nowrap" align="center">
          <Text size="xs" c="dimmed">
            {t("payment.openYourself")}
          </Text>
          <Code data-testid="payment-url" dir="ltr" style={{ wordBreak: "break-all" }}>
            {link.data.url}
          </Code>
          <CopyButton value={link.data.url}>
            {({ copied, copy }) => (
              <Button size="compact-xs" variant="subtle" onClick={copy}>
                {copied ? t("common.copied") : t("common.copy")}
              </Button>
            )}
          </CopyButton>
        </Group>
      )}
      {link.isError && (
        <Text size="sm" c="red" mt="xs" data-testid="payment-error">
          <ErrorText error={link.error} />
        </Text>
      )}
    </Alert>
  );
}
