import { ActionIcon, Popover, TextInput, type TextInputProps } from "@mantine/core";
import { DatePicker } from "@mantine/dates";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { todayIso } from "../lib/format";
import { EARLIEST_DATE_OF_BIRTH, isIsoDate } from "../lib/validation";

type Props = Omit<TextInputProps, "value" | "onChange"> & {
  value?: string;
  onChange?: (value: string) => void;
  "data-testid"?: string;
};

function CalendarIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden>
      <rect x="3" y="5" width="18" height="16" rx="2" />
      <path d="M16 3v4M8 3v4M3 11h18" />
    </svg>
  );
}

/**
 * A plain text field taking YYYY-MM-DD from the keyboard, with a calendar
 * that opens only from its button (so it never covers the next field).
 */
export function DateOfBirthInput({ value = "", onChange = () => {}, ...props }: Props) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const today = todayIso();
  const picked = isIsoDate(value) ? value : null;
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" shadow="md" trapFocus>
      <Popover.Target>
        <TextInput
          placeholder={t("dateOfBirth.placeholder")}
          dir="ltr"
          autoComplete="off"
          inputMode="numeric"
          maxLength={10}
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
          rightSection={
            <ActionIcon
              variant="subtle"
              color="gray"
              aria-label={t("dateOfBirth.openCalendar")}
              onClick={() => setOpened((o) => !o)}
              tabIndex={-1}
            >
              <CalendarIcon />
            </ActionIcon>
          }
          {...props}
        />
      </Popover.Target>
      <Popover.Dropdown>
        <DatePicker
          value={picked}
          defaultDate={picked ?? "1980-01-01"}
          defaultLevel="decade"
          minDate={EARLIEST_DATE_OF_BIRTH}
          maxDate={today}
          onChange={(date) => {
            if (date) onChange(date);
            setOpened(false);
          }}
        />
      </Popover.Dropdown>
    </Popover>
  );
}
