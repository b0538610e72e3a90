import type { AuditField } from '../audit-fields';

/** An event's before or after as "name: value" lines, an object's fields indented under it; "—" when empty. */
export function AuditFieldList({ fields }: { fields: AuditField[] }) {
  if (fields.length === 0) return <>—</>;
  return (
    <dl class="audit-fields">
      {fields.map((field) => (
        <div key={field.name} data-field={field.name}>
          <dt>{field.name}</dt>
          <dd>{field.fields ? <AuditFieldList fields={field.fields} /> : field.text}</dd>
        </div>
      ))}
    </dl>
  );
}
