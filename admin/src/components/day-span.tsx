/** A UTC day (`2026-12-01`), never broken across lines. */
function Day({ day }: { day: string }) {
  return (
    <time class="day" dateTime={day}>
      {day}
    </time>
  );
}

/** "2026-12-01 to 2026-12-05", or the day alone: a line may break between the days, never inside one. */
export function DaySpan({ from, to }: { from: string; to: string }) {
  if (from === to) return <Day day={from} />;
  return (
    <>
      <Day day={from} /> to <Day day={to} />
    </>
  );
}
