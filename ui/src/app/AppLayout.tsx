import { AppShell, Badge, Button, Group, NavLink, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api/client";
import { onDataChanged } from "../api/events";
import { useBadges, userChanged, useSyncStatus } from "../api/queries";
import type { Capabilities, UserSummary } from "../api/types";
import { NotificationBell } from "../components/NotificationBell";
import { SyncIndicator } from "../components/SyncIndicator";
import { Tag } from "../components/Tag";
import { roleLabel } from "../lib/labels";
import { notifyError } from "../lib/notify";
import { routeHref, useRoute, type Route } from "../lib/router";
import { CaseDetailPage } from "../pages/CaseDetailPage";
import { CaseListPage } from "../pages/CaseListPage";
import { NewCasePage } from "../pages/NewCasePage";
import { NotFoundPage } from "../pages/NotFoundPage";
import { PatientsPage } from "../pages/PatientsPage";
import { ServerPage } from "../pages/ServerPage";
import { AttentionPage } from "../pages/AttentionPage";
import { InvoicesPage } from "../pages/InvoicesPage";
import { ServiceRecordsPage } from "../pages/ServiceRecordsPage";
import { AppointmentsPage } from "../pages/AppointmentsPage";
import { NotificationSettingsPage } from "../pages/NotificationSettingsPage";
import { SettingsPage } from "../pages/SettingsPage";
import { ConfigurationPage } from "../pages/ConfigurationPage";

function Screen({ route, user, capabilities }: { route: Route; user: UserSummary; capabilities: Capabilities }) {
  switch (route.name) {
    case "cases":
      return <CaseListPage capabilities={capabilities} />;
    case "new-case":
      return <NewCasePage capabilities={capabilities} />;
    case "case":
      return <CaseDetailPage key={route.caseId} caseId={route.caseId} tab={route.tab} />;
    case "patients":
      return <PatientsPage capabilities={capabilities} />;
    case "server":
      return <ServerPage />;
    case "attention":
      return <AttentionPage />;
    case "invoices":
      return <InvoicesPage />;
    case "service-records":
      return <ServiceRecordsPage />;
    case "appointments":
      return <AppointmentsPage user={user} />;
    case "notification-settings":
      return <NotificationSettingsPage />;
    case "settings":
      return <SettingsPage />;
    case "configuration":
      return <ConfigurationPage allowed={capabilities.configure} tab={route.tab} />;
    case "not-found":
      return <NotFoundPage path={route.path} />;
  }
}

/** The signed-in shell; `capabilities` (from the core) says which screens the navigation offers. */
export function AppLayout({ user, capabilities }: { user: UserSummary; capabilities: Capabilities }) {
  const { t } = useTranslation();
  const route = useRoute();
  const client = useQueryClient();
  const sync = useSyncStatus();
  const attentionCount = sync.data?.needsAttention ?? 0;
  const badges = useBadges();
  const appointmentCount = badges.data?.appointments ?? 0;
  const signOut = useMutation({
    mutationFn: api.signOut,
    // Back to the chooser. The location is left alone here (changing it would render
    // this user's next screen on the way out); signing in starts on the default route.
    onSuccess: () => userChanged(client, null),
    onError: (error) => notifyError(error, t("shell.switchUserFailed")),
  });

  // The background sync brought something: refresh what is on screen.
  useEffect(() => onDataChanged(() => void client.invalidateQueries()), [client]);

  // A new screen starts at its top (the document keeps its scroll position otherwise).
  const routeKey = routeHref(route);
  useEffect(() => {
    window.scrollTo({ top: 0 });
  }, [routeKey]);

  const casesActive = route.name === "cases" || route.name === "case";
  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 220, breakpoint: "xs" }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Title order={1} size="h3">
              {t("app.title")}
            </Title>
            {/* Standalone runs on the demo's data: every screen says so. */}
            {sync.data && sync.data.serverUrl === null && (
              <Badge color="orange" variant="light" data-testid="demo-badge">
                {t("app.demoBadge")}
              </Badge>
            )}
          </Group>
          <Group gap="sm" wrap="nowrap">
            <SyncIndicator status={sync.data} />
            <NotificationBell unread={badges.data?.notifications ?? 0} />
            <Stack gap={0} align="flex-end">
              <Text fw={600} size="sm" dir="auto" data-testid="current-user-name">
                {user.name}
              </Text>
              <Tag color="blue" data-testid="current-user-role">
                {roleLabel(user.role)}
              </Tag>
            </Stack>
            <Button
              variant="default"
              onClick={() => signOut.mutate()}
              loading={signOut.isPending}
              data-testid="switch-user"
            >
              {t("shell.switchUser")}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t("shell.mainNav")}>
        {capabilities.patients && (
          <NavLink
            href={routeHref({ name: "patients" })}
            label={t("nav.patients")}
            active={route.name === "patients"}
            aria-current={route.name === "patients" ? "page" : undefined}
            data-testid="nav-patients"
          />
        )}
        <NavLink
          href={routeHref({ name: "cases" })}
          label={t("nav.cases")}
          active={casesActive}
          aria-current={casesActive ? "page" : undefined}
          data-testid="nav-cases"
        />
        {capabilities.createCases && (
          <NavLink
            href={routeHref({ name: "new-case" })}
            label={t("nav.newCase")}
            active={route.name === "new-case"}
            aria-current={route.name === "new-case" ? "page" : undefined}
            data-testid="nav-new-case"
          />
        )}
        <NavLink
          href={routeHref({ name: "appointments" })}
          label={t("nav.appointments")}
          active={route.name === "appointments"}
          aria-current={route.name === "appointments" ? "page" : undefined}
          rightSection={
            appointmentCount > 0 ? (
              <Tag color="red" data-testid="nav-appointments-count" data-count={String(appointmentCount)}>
                {appointmentCount}
              </Tag>
            ) : undefined
          }
          data-testid="nav-appointments"
        />
        {capabilities.invoices && (
          <NavLink
            href={routeHref({ name: "invoices" })}
            label={t("nav.invoices")}
            active={route.name === "invoices"}
            aria-current={route.name === "invoices" ? "page" : undefined}
            data-testid="nav-invoices"
          />
        )}
        {capabilities.serviceRecords && (
          <NavLink
            href={routeHref({ name: "service-records" })}
            label={t("nav.serviceRecords")}
            active={route.name === "service-records"}
            aria-current={route.name === "service-records" ? "page" : undefined}
            data-testid="nav-service-records"
          />
        )}
        {(attentionCount > 0 || route.name === "attention") && (
          <NavLink
            href={routeHref({ name: "attention" })}
            label={t("nav.attention")}
            active={route.name === "attention"}
            aria-current={route.name === "attention" ? "page" : undefined}
            rightSection={
              attentionCount > 0 ? (
                <Badge color="red" size="sm" circle data-testid="attention-count">
                  {attentionCount}
                </Badge>
              ) : undefined
            }
            data-testid="nav-attention"
          />
        )}
        {capabilities.configure && (
          <NavLink
            href={routeHref({ name: "configuration" })}
            label={t("nav.configuration")}
            active={route.name === "configuration"}
            aria-current={route.name === "configuration" ? "page" : undefined}
            data-testid="nav-configuration"
          />
        )}
        <NavLink
          href={routeHref({ name: "settings" })}
          label={t("nav.settings")}
          active={route.name === "settings"}
          aria-current={route.name === "settings" ? "page" : undefined}
          data-testid="nav-settings"
        />
        <NavLink
          href={routeHref({ name: "server" })}
          label={t("nav.server")}
          active={route.name === "server"}
          aria-current={route.name === "server" ? "page" : undefined}
          data-testid="nav-server"
        />
      </AppShell.Navbar>
      <AppShell.Main>
        <Screen route={route} user={user} capabilities={capabilities} />
      </AppShell.Main>
    </AppShell>
  );
}
