import { Anchor, Stack, Text, Title } from "@mantine/core";
import { Trans, useTranslation } from "react-i18next";
import { routeHref } from "../lib/router";

export function NotFoundPage({ path }: { path: string }) {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={2}>{t("notFound.title")}</Title>
      <Text>
        <Trans i18nKey="notFound.text" values={{ path }} components={{ code: <code dir="ltr" /> }} />
      </Text>
      <Anchor href={routeHref({ name: "cases" })}>{t("notFound.goToCases")}</Anchor>
    </Stack>
  );
}
