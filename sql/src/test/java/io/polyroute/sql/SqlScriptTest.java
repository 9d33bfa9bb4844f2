/*
 * Copyright 2026 the Polyroute authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
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
