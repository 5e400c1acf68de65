import { createTheme, DirectionProvider, MantineProvider } from "@mantine/core";
import { DatesProvider } from "@mantine/dates";
import { Notifications } from "@mantine/notifications";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import "dayjs/locale/ar-sa";
import { Fragment, type ReactNode } from "react";
import { I18nextProvider, useTranslation } from "react-i18next";
import { directionOf, i18n } from "../i18n";

const FONTS = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Helvetica, Arial, "Noto Sans Arabic", sans-serif';

const theme = createTheme({
  fontFamily: FONTS,
  headings: { fontFamily: FONTS },
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

/**
 * The app in the chosen language: Mantine's direction (mirrored layouts, RTL inputs), the
 * pickers' calendar (dayjs "ar-sa": Gregorian months in Arabic, Latin digits), and the
 * screens rendered anew when the language changes, so that no text of the old one stays.
 */
function InLanguage({ children }: { children: ReactNode }) {
  const { i18n: active } = useTranslation();
  const lng = active.language;
  return (
    <DatesProvider settings={{ locale: lng === "ar" ? "ar-sa" : "en" }}>
      <Fragment key={lng}>{children}</Fragment>
    </DatesProvider>
  );
}

export function Providers({ client, children, env = "default" }: Props) {
  return (
    <I18nextProvider i18n={i18n}>
      {/* <html dir> is set by the i18n module; the provider follows it (detectDirection). */}
      <DirectionProvider initialDirection={directionOf(i18n.language)} detectDirection>
        <MantineProvider theme={theme} defaultColorScheme="light" env={env}>
          {/* Top centre: clear of the header's buttons and of the forms' save buttons. */}
          <Notifications position="top-center" limit={5} />
          <QueryClientProvider client={client}>
            <InLanguage>{children}</InLanguage>
          </QueryClientProvider>
        </MantineProvider>
      </DirectionProvider>
    </I18nextProvider>
  );
}
