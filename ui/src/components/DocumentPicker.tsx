import { Input } from "@mantine/core";
import { useId, type ReactNode } from "react";

type Props = {
  label: string;
  description?: ReactNode;
  error?: ReactNode;
  disabled?: boolean;
  /** Several files at once (the default), or one (a chat message's attachment). */
  multiple?: boolean;
  onFiles: (files: File[]) => void;
  "data-testid": string;
};

/**
 * A labelled, visible native <input type="file">: WebDriver can send
 * a path to it, keyboards and screen readers get the platform's control.
 */
export function DocumentPicker({ label, description, error, disabled, multiple = true, onFiles, ...props }: Props) {
  const id = useId();
  return (
    <Input.Wrapper id={id} label={label} description={description} error={error}>
      <div>
        <input
          id={id}
          type="file"
          multiple={multiple}
          className="so-file-input"
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={[description ? `${id}-description` : "", error ? `${id}-error` : ""].join(" ").trim() || undefined}
          data-testid={props["data-testid"]}
          onChange={(event) => {
            const files = Array.from(event.currentTarget.files ?? []);
            // Reset so picking the same file again fires another change.
            event.currentTarget.value = "";
            if (files.length > 0) onFiles(files);
          }}
        />
      </div>
    </Input.Wrapper>
  );
}
