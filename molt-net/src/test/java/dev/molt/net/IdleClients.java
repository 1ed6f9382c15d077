package dev.molt.net;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens N connections that send nothing, in a JVM of its own (its own descriptors): {@code
 * IdleClients HOST PORT N}. Prints {@code connected N}, holds them until its input ends, closes.
 */
public final class IdleClients {
  private IdleClients() {}

  public static void main(String[] args) throws Exception {
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < Integer.parseInt(args[2]); i++) {
      sockets.add(new Socket(args[0], Integer.parseInt(args[1])));
    }
    System.out.println("connected " + sockets.size());
    System.out.flush();
    while (System.in.read() >= 0) {
      // hold them
    }
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
