import { createTheme, MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";

const theme = createTheme({
  primaryColor: "blue",
  defaultRadius: "md",
  cursorType: "pointer",
});

type Props = {
  client: QueryClient;
  children: ReactNode;
  /** "test" turns off transitions and portals' delays (vitest). */
  env?: "default" | "test";
};

export function Providers({ client, children, env = "default" }: Props) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light" env={env}>
      {/* Top centre: clear of the header's buttons and of the forms' save buttons. */}
      <Notifications position="top-center" limit={5} />
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </MantineProvider>
  );
}
