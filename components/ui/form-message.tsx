/** A form's answer: an error (announced at once) or a confirmation (announced politely). */
export function FormMessage({ state }: { state: { error?: string; ok?: string } }) {
  if (state.error)
    return (
      <p role="alert" className="form-error">
        {state.error}
      </p>
    );
  if (state.ok)
    return (
      <p role="status" className="form-ok">
        {state.ok}
      </p>
    );
  return null;
}
