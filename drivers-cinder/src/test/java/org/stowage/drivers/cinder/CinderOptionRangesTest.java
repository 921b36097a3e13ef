package org.stowage.drivers.cinder;

import org.stowage.spi.ErrorKind;
import org.stowage.spi.StoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Numeric cinder options have an upper bound as well as a lower one, so a value that would
 * overflow later (a timeout in milliseconds, a retry loop that never ends) is refused when the
 * store is configured, naming the option, the value and the limit.
 */
class CinderOptionRangesTest {
    @ParameterizedTest
    @CsvSource({
        "cinder_state_transition_timeout, 9223372036854775807, <= 86400",
        "cinder_state_transition_timeout, 86401, <= 86400",
        "cinder_http_retries, 2147483647, <= 100",
        "cinder_attachment_retry_attempts, 1000000, <= 100",
        "cinder_request_timeout, 86401, <= 86400",
        "cinder_request_timeout, 9223372036854775807, <= 86400",
        "cinder_request_timeout, 0, >= 1",
    })
    void outOfRangeIsRefusedWhenConfigured(String option, String value, String limit) {
        Map<String, String> m = CinderStoreConfigTest.creds();
        m.put(option, value);
        assertThatThrownBy(() -> CinderStoreConfigTest.cfg(m))
                .isInstanceOf(StoreException.class).hasFieldOrPropertyWithValue("kind", ErrorKind.BAD_STORE_CONFIGURATION)
                .hasMessageContaining(option).hasMessageContaining("'" + value + "'").hasMessageContaining(limit);
    }

    @ParameterizedTest
    @CsvSource({"0", "86400"})
    void theLimitsThemselvesAreAccepted(long seconds) {
        Map<String, String> m = CinderStoreConfigTest.creds();
        m.put("cinder_state_transition_timeout", Long.toString(seconds));
        assertThat(CinderStoreConfigTest.cfg(m).stateTransitionTimeout()).isEqualTo(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @CsvSource({"1", "86400"})
    void theLimitsOfTheRequestTimeoutAreAccepted(long seconds) {
        Map<String, String> m = CinderStoreConfigTest.creds();
        m.put("cinder_request_timeout", Long.toString(seconds));
        assertThat(CinderStoreConfigTest.cfg(m).requestTimeout()).isEqualTo(Duration.ofSeconds(seconds));
    }
}
