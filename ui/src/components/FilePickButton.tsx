import { Button, type ButtonProps } from "@mantine/core";
import { useRef, type CSSProperties, type ReactNode } from "react";

// Visually hidden but present and enabled, so WebDriver can send a path to it.
const hiddenInput: CSSProperties = {
  position: "absolute",
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: "hidden",
  clip: "rect(0, 0, 0, 0)",
  whiteSpace: "nowrap",
  border: 0,
  opacity: 0,
};

type Props = ButtonProps & {
  onFiles: (files: File[]) => void;
  inputTestId: string;
  multiple?: boolean;
  accept?: string;
  children: ReactNode;
};

/** A button that opens the file dialog through a real <input type="file">. */
export function FilePickButton({ onFiles, inputTestId, multiple = true, accept, children, disabled, ...props }: Props) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple={multiple}
        accept={accept}
        disabled={disabled}
        data-testid={inputTestId}
        style={hiddenInput}
        tabIndex={-1}
        aria-hidden
        onChange={(event) => {
          const files = Array.from(event.currentTarget.files ?? []);
          // Reset so picking the same file again fires another change.
          event.currentTarget.value = "";
          if (files.length > 0) onFiles(files);
        }}
      />
      <Button variant="default" disabled={disabled} onClick={() => input.current?.click()} {...props}>
        {children}
      </Button>
    </>
  );
}
