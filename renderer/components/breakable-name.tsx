import { Fragment } from 'react';

/** A name that may wrap only after "/" and ":": an image name never breaks inside a word, a fingerprint only between byte pairs. */
export function BreakableName({ name }: { name: string }) {
  const parts = name.split(/(?<=[/:])/);
  return (
    <>
      {parts.map((part, index) => (
        <Fragment key={index}>
          {index > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </>
  );
}
