package dev.molt.net;

import dev.molt.Down;
import dev.molt.Pid;
import dev.molt.Process;
import dev.molt.Ref;
import java.util.HashMap;
import java.util.Map;

/**
 * Closes a socket when its controlling process exits, as {@code gen_tcp} does: one process for
 * every socket of the node, monitoring their owners.
 */
final class Janitor {
  private record Watch(TcpSocket socket, Pid owner) {}

  private record Forget(TcpSocket socket) {}

  private static Pid janitor;

  private Janitor() {}

  static void watch(TcpSocket socket, Pid owner) {
    Process.send(pid(), new Watch(socket, owner));
  }

  static void forget(TcpSocket socket) {
    Pid running = janitor;
    if (running != null) {
      Process.send(running, new Forget(socket));
    }
  }

  private static synchronized Pid pid() {
    if (janitor == null || !Process.isAlive(janitor)) {
      janitor = Process.spawn(Janitor::loop);
    }
    return janitor;
  }

  private static void loop() {
    Map<Ref, TcpSocket> watched = new HashMap<>();
    Map<TcpSocket, Ref> bySocket = new HashMap<>();
    while (true) {
      switch (Process.receive()) {
        case Watch(TcpSocket socket, Pid owner) -> {
          Ref before = bySocket.remove(socket);
          if (before != null) {
            Process.demonitor(before);
            watched.remove(before);
          }
          if (socket.isOpen()) {
            Ref ref = Process.monitor(owner);
            watched.put(ref, socket);
            bySocket.put(socket, ref);
          }
        }
        case Forget(TcpSocket socket) -> {
          Ref ref = bySocket.remove(socket);
          if (ref != null) {
            Process.demonitor(ref);
            watched.remove(ref);
          }
        }
        case Down down -> {
          TcpSocket socket = watched.remove(down.ref());
          if (socket != null) {
            bySocket.remove(socket);
            socket.ownerExited(down.pid());
          }
        }
        default -> {}
      }
    }
  }
}
