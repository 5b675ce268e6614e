/** A lesson file's prose: paragraphs split on blank lines, `code` in backticks; nothing else is interpreted. */
export function LessonProse({ text }: { text: string }) {
  return (
    <>
      {text
        .split(/\n\s*\n/)
        .map((paragraph) => paragraph.replace(/\s*\n\s*/g, ' ').trim())
        .filter(Boolean)
        .map((paragraph, index) => (
          <p key={index}>{paragraph.split('`').map((part, at) => (at % 2 === 1 ? <code key={at}>{part}</code> : part))}</p>
        ))}
    </>
  );
}
