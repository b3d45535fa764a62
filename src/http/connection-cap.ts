import type { Server } from "node:net";

/**
 * At most `max` open connections per remote address. One more is destroyed as it is accepted,
 * before a byte is read or written: answering 503 would mean reading its request, which a client
 * holding hundreds of sockets open need never finish. Browsers open about six per host.
 */
export function capConnectionsPerAddress(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on("connection", (socket) => {
    const address = socket.remoteAddress ?? "";
    const count = open.get(address) ?? 0;
    if (count >= max) {
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
