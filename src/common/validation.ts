import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, Max, Min, registerDecorator, ValidateIf } from 'class-validator';

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

// The fields the tree-shaped configuration (menus, teams) shares. Each list
// is the stack as it would be written above the field, bottom first (the
// order decorators run in, so the order the checks are reported in).

// `<kind>_ids`: a list of ids (replaced whole on PATCH).
export function IdListField(field: string, kind: string, description: string): PropertyDecorator {
  const message = `${field} must be an array of ${kind} ids`;
  return applyDecorators(
    IsArray({ message }),
    ArrayMaxSize(10000, { message: `${field} may hold at most 10000 ids` }),
    IsInt({ each: true, message }),
    Min(1, { each: true, message }),
    Max(Number.MAX_SAFE_INTEGER, { each: true, message }),
    Omittable(),
    ApiPropertyOptional({ type: [Number], description }),
  );
}

// `parent_id`: a live row of the same tree, or null for a root.
export function ParentIdField(description: string): PropertyDecorator {
  const message = 'parent_id must be a positive integer';
  return applyDecorators(IsInt({ message }), Min(1, { message }), Max(Number.MAX_SAFE_INTEGER, { message }), IsOptional(), ApiPropertyOptional({ type: Number, nullable: true, description }));
}

// `position` among its siblings.
export function PositionField(max: number): PropertyDecorator {
  const message = `position must be an integer from 0 to ${max}`;
  return applyDecorators(IsInt({ message }), Min(0, { message }), Max(max, { message }), Omittable(), ApiPropertyOptional({ default: 0, minimum: 0, maximum: max }));
}
