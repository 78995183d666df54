import { useRef, useState } from "react";

export interface ComposerProps {
  generating: boolean;
  disabled: boolean;
  onSend: (text: string) => void;
  onStop: () => void;
  /** Shown under the input, e.g. rate limit left. */
  status?: string;
}

/** The message box: Enter sends, Shift+Enter adds a line, and while an answer streams the button stops it. */
export function Composer({ generating, disabled, onSend, onStop, status }: ComposerProps) {
  const [text, setText] = useState("");
  const ref = useRef<HTMLTextAreaElement>(null);
  const send = () => {
    if (generating || disabled || !text.trim()) return;
    onSend(text);
    setText("");
  };
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <div className="composer-box">
        <textarea
          ref={ref}
          id="composer-input"
          aria-label="Message"
          placeholder="Message Masque…"
          rows={1}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              send();
            }
          }}
        />
        {generating ? (
          <button type="button" className="primary stop" aria-label="Stop generating" onClick={onStop}>
            Stop
          </button>
        ) : (
          <button
            type="submit"
            className="primary"
            aria-label="Send message"
            disabled={disabled || !text.trim()}
          >
            Send
          </button>
        )}
      </div>
      <p className="composer-hint">
        <span>Enter to send · Shift+Enter for a new line · Esc stops · Ctrl/⌘+K searches</span>
        {status && <span className="composer-status">{status}</span>}
      </p>
    </form>
  );
}
