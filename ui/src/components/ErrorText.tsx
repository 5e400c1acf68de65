import { Text } from "@mantine/core";
import { explain, type CoreMessage } from "../lib/errors";

/**
 * An error or refusal from the core in the UI's language; in a language other than English,
 * the core's English message follows as a smaller line (left to right).
 */
export function ErrorText({ error, size }: { error: CoreMessage; size?: "xs" | "sm" }) {
  const { text, detail } = explain(error);
  if (!detail) return <>{text}</>;
  return (
    <>
      {text}
      <Text component="span" display="block" size={size ?? "xs"} c="dimmed" lang="en" dir="ltr" data-testid="error-detail">
        {detail}
      </Text>
    </>
  );
}
