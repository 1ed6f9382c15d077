package dev.molt.console;

import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The places of connections that have not authenticated yet: {@code max} in all, {@code perPeer}
 * per peer address. A new connection always gets in: when the places are taken, the oldest waiting
 * connection (of the same peer, if that peer holds all of its places) is closed to make room. So
 * idle connections cannot keep out a client that authenticates at once, as every real one does;
 * they only lose their own place sooner.
 */
final class Admission {
  /** One connection waiting to authenticate. */
  static final class Waiting {
    final SocketChannel channel;
    final InetAddress peer;

    Waiting(SocketChannel channel, InetAddress peer) {
      this.channel = channel;
      this.peer = peer;
    }
  }

  private final int max;
  private final int perPeer;
  private final LinkedHashSet<Waiting> waiting = new LinkedHashSet<>();
  private final Map<InetAddress, Integer> byPeer = new HashMap<>();

  Admission(int max, int perPeer) {
    this.max = max;
    this.perPeer = perPeer;
  }

  /**
   * Admits {@code channel} from {@code peer}; returns it, and adds to {@code evicted} the waiting
   * connections it pushed out, for the caller to close.
   */
  synchronized Waiting admit(SocketChannel channel, InetAddress peer, List<Waiting> evicted) {
    if (byPeer.getOrDefault(peer, 0) >= perPeer) {
      for (Waiting w : new ArrayList<>(waiting)) {
        if (w.peer.equals(peer)) {
          remove(w);
          evicted.add(w);
          break;
        }
      }
    }
    if (waiting.size() >= max) {
      Waiting oldest = waiting.getFirst();
      remove(oldest);
      evicted.add(oldest);
    }
    Waiting admitted = new Waiting(channel, peer);
    waiting.add(admitted);
    byPeer.merge(peer, 1, Integer::sum);
    return admitted;
  }

  /**
   * Gives up {@code w}'s place (it authenticated, ended or ran out of time); false if it had none
   * any more, having been pushed out.
   */
  synchronized boolean leave(Waiting w) {
    if (!waiting.contains(w)) {
      return false;
    }
    remove(w);
    return true;
  }

  synchronized int size() {
    return waiting.size();
  }

  private void remove(Waiting w) {
    waiting.remove(w);
    byPeer.computeIfPresent(w.peer, (p, n) -> n == 1 ? null : n - 1);
  }
}
