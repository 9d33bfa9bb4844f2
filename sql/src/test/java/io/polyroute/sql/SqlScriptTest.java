package io.polyroute.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void shouldSplitAtSemicolonsOutsideQuotesAndComments() {
        assertThat(SqlScript.split("CREATE TABLE t (a STRING) WITH ('x' = 'a;b'); -- one; two\n"
                        + "SELECT `c;d` FROM t /* ; */;\n\n;"))
                .containsExactly("CREATE TABLE t (a STRING) WITH ('x' = 'a;b')", "SELECT `c;d` FROM t");
    }

    @Test
    void shouldRunLooseInsertsAndStatementSetsTogether() {
        SqlScript s = SqlScript.parse(
                "CREATE TABLE a (x INT); INSERT INTO a VALUES (1);\n"
                        + "EXECUTE STATEMENT SET BEGIN INSERT INTO a VALUES (2); INSERT INTO a VALUES (3); END;",
                Map.of());
        assertThat(s.statements()).containsExactly("CREATE TABLE a (x INT)");
        assertThat(s.inserts())
                .containsExactly("INSERT INTO a VALUES (1)", "INSERT INTO a VALUES (2)", "INSERT INTO a VALUES (3)");
    }

    @Test
    void shouldSubstituteVariablesAndNameUnknownOnes() {
        assertThat(SqlScript.parse("SELECT '${bootstrap-servers}'", Map.of("bootstrap-servers", "h:9092"))
                        .statements())
                .isEqualTo(List.of("SELECT 'h:9092'"));
        assertThatThrownBy(() -> SqlScript.parse("SELECT '${nope}'", Map.of())).hasMessageContaining("${nope}");
        assertThatThrownBy(() -> SqlScript.parse("EXECUTE STATEMENT SET BEGIN INSERT INTO a VALUES (1);", Map.of()))
                .hasMessageContaining("no END");
    }
}
