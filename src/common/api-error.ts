// An error the client can act on: its status and the exact message the
// contract names. Anything else that escapes a handler is a 500.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  static badRequest(message: string) {
    return new ApiError(400, message);
  }
  static unauthorized() {
    return new ApiError(401, 'Unauthorized');
  }
  static notFound(message = 'Not Found') {
    return new ApiError(404, message);
  }
  static conflict(message: string) {
    return new ApiError(409, message);
  }
  static unprocessable(message: string) {
    return new ApiError(422, message);
  }
}
