import { render, type RenderOptions } from "@testing-library/react";
import { QueryClient } from "@tanstack/react-query";
import type { ReactElement } from "react";
import { Providers } from "../app/Providers";

export function testQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } },
  });
}

/** Renders inside the app's providers (Mantine in test mode, a fresh query client). */
export function renderWithProviders(ui: ReactElement, options?: RenderOptions & { client?: QueryClient }) {
  const client = options?.client ?? testQueryClient();
  const result = render(
    <Providers client={client} env="test">
      {ui}
    </Providers>,
    options,
  );
  return { ...result, client };
}
