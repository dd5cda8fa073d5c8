import { registerDecorator, ValidateIf } from 'class-validator';

// Shared class-validator decorators for the Manager API's DTOs.

// Optional, but null is not a value: for the columns that cannot be null.
export const Omittable = () => ValidateIf((_: object, value: unknown) => value !== undefined);

// A check that answers its own message (or null when the value is fine).
export function Satisfies(check: (value: unknown) => string | null): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name: 'satisfies',
      target: target.constructor,
      propertyName: String(property),
      validator: { validate: (value: unknown) => check(value) === null, defaultMessage: (args) => check(args?.value) ?? '' },
    });
}
