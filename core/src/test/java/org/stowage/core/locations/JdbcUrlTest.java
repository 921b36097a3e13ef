package org.stowage.core.locations;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Credentials taken out of a JDBC URL, so that the driver never sees (and never echoes) them. */
class JdbcUrlTest {
    @Test
    void userInfoGoesToPropertiesPercentEscapesDecodedAsSqlAlchemyDoes() {
        JdbcUrl u = JdbcUrl.of("jdbc:mariadb://glance:p%40ss%2Fw@db.example:3306/glance?connectTimeout=5", null, null);
        assertThat(u.url()).isEqualTo("jdbc:mariadb://db.example:3306/glance?connectTimeout=5");
        assertThat(u.properties()).containsEntry("user", "glance").containsEntry("password", "p@ss/w");
        assertThat(u.scrub("failed for p%40ss%2Fw and p@ss/w")).isEqualTo("failed for **** and ****");
    }

    @Test
    void aPasswordWithUnencodedSeparatorsIsTakenWhole() {
        JdbcUrl u = JdbcUrl.of("jdbc:postgresql://glance:Zq8/Sekr1t@Pa55?Kv3@127.0.0.1:5432/glance", null, null);
        assertThat(u.url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/glance");
        assertThat(u.password()).isEqualTo("Zq8/Sekr1t@Pa55?Kv3");
    }

    @Test
    void anAtSignInTheQueryIsNoUserInfo() {
        JdbcUrl u = JdbcUrl.of("jdbc:mariadb://db:3306/glance?user=ops@example.org", null, null);
        assertThat(u.url()).isEqualTo("jdbc:mariadb://db:3306/glance?user=ops@example.org");
        assertThat(u.properties()).isEmpty();
    }

    @Test
    void explicitCredentialsWinAndNothingShowsThePassword() {
        JdbcUrl u = JdbcUrl.of("jdbc:mariadb://url-user:Url-Pa55word@db/glance", "glance", "Given-Pa55word");
        assertThat(u.properties()).containsEntry("user", "glance").containsEntry("password", "Given-Pa55word");
        assertThat(u.toString()).doesNotContain("Pa55word");
        assertThat(u.scrub("jdbc:mariadb://url-user:Url-Pa55word@db/glance Given-Pa55word"))
                .isEqualTo("jdbc:mariadb://url-user:****@db/glance ****");
    }

    @Test
    void aPasswordGivenAloneWinsOverTheUrlsWhoseUserIsKept() {
        JdbcUrl u = JdbcUrl.of("jdbc:postgresql://glance:Url-Pa55word@db/glance", null, "Given-Pa55word");
        assertThat(u.properties()).containsEntry("user", "glance").containsEntry("password", "Given-Pa55word");
        assertThat(u.scrub("Url-Pa55word Given-Pa55word")).isEqualTo("**** ****");
    }
}
