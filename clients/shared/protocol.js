// The codes the pages share with the server and the bridge (docs/protocol.md,
// docs/bridge-protocol.md). This file will be generated from the server's error catalogue.

/** Websocket close codes the server uses (RFC 6455 private range). */
export const CLOSE = Object.freeze({
  BAD_HELLO: 4000,
  UNAUTHENTICATED: 4001,
  FORBIDDEN_ORIGIN: 4003,
  TOO_MANY_ERRORS: 4009,
});

/** Error codes of the server and the bridge that pages act on. */
export const ERROR = Object.freeze({
  DUPLICATE_FACE: "duplicate_face",
  DUPLICATE_TICKET: "duplicate_ticket",
  FACE_UNAVAILABLE: "face_unavailable",
  FORBIDDEN: "forbidden",
  NOT_RATEABLE: "not_rateable",
  UNAUTHENTICATED: "unauthenticated",
  WRONG_CAN: "wrong_can",
});
