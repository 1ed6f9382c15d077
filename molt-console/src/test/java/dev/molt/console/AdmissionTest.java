package dev.molt.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdmissionTest {
  private final Admission admission = new Admission(3, 2);
  private final InetAddress a = InetAddress.getLoopbackAddress();
  private final InetAddress b;

  AdmissionTest() throws Exception {
    b = InetAddress.getByAddress(new byte[] {10, 0, 0, 2});
  }

  @Test
  void aNewConnectionAlwaysGetsInAndPushesOutTheOldestOfItsPeerFirst() {
    List<Admission.Waiting> evicted = new ArrayList<>();
    Admission.Waiting a1 = admission.admit(null, a, evicted);
    Admission.Waiting b1 = admission.admit(null, b, evicted);
    Admission.Waiting a2 = admission.admit(null, a, evicted);
    assertThat(evicted).isEmpty();
    // a holds its 2 places: its own oldest goes, not b's
    Admission.Waiting a3 = admission.admit(null, a, evicted);
    assertThat(evicted).containsExactly(a1);
    assertThat(admission.size()).isEqualTo(3);
    // all 3 places taken, b has room of its own: the oldest of all goes
    evicted.clear();
    Admission.Waiting b2 = admission.admit(null, b, evicted);
    assertThat(evicted).containsExactly(b1);
    assertThat(admission.leave(a1)).as("pushed out already").isFalse();
    assertThat(admission.leave(a2)).isTrue();
    assertThat(admission.leave(a2)).isFalse();
    assertThat(admission.leave(a3)).isTrue();
    assertThat(admission.leave(b2)).isTrue();
    assertThat(admission.size()).isZero();
  }

  @Test
  void thousandsFromOnePeerHoldNoMoreThanItsPlaces() {
    List<Admission.Waiting> evicted = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      admission.admit(null, a, evicted);
    }
    assertThat(evicted).hasSize(4998);
    assertThat(admission.size()).isEqualTo(2);
    evicted.clear();
    admission.admit(null, b, evicted);
    assertThat(evicted).as("room for another peer").isEmpty();
  }
}
