import { Anchor, Stack, Text, Title } from "@mantine/core";
import { routeHref } from "../lib/router";

export function NotFoundPage({ path }: { path: string }) {
  return (
    <Stack>
      <Title order={2}>Page not found</Title>
      <Text>
        There is no page at <code>{path}</code>.
      </Text>
      <Anchor href={routeHref({ name: "cases" })}>Go to the cases</Anchor>
    </Stack>
  );
}
