package org.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.stowage.testing.HostilePeer;

/**
 * A refusing peer's port lies below the ephemeral range, so no peer started after it (bind to
 * port 0) and no outgoing connection is ever given it: HostilePeersIT's "refused" cases once met
 * a silent peer of another case on the port they expected to be refused.
 */
class HostilePeerRefusedPortTest {
    @Test
    void aRefusingPortIsNeverOneTheSystemHandsOutAndIsRefused() throws Exception {
        for (int i = 0; i < 20; i++) {
            try (HostilePeer refused = HostilePeer.start(HostilePeer.Behaviour.REFUSED)) {
                assertThat(refused.port()).isLessThan(HostilePeer.ephemeralStart());
                assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), refused.port()).close())
                        .isInstanceOf(ConnectException.class);
            }
        }
    }
}
