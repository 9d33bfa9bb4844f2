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

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;

/**
 * Runs a script of SQL statements separated by {@code ;}: every statement but {@code INSERT} runs
 * at once and prints its result; all {@code INSERT}s (loose or inside {@code EXECUTE STATEMENT SET
 * BEGIN … END}) run together as one statement set, one job, after the rest.
 *
 * <pre>{@code
 * SqlScript script = SqlScript.parse(text, Map.of("bootstrap-servers", "localhost:9092"));
 * Optional<JobClient> job = script.run(tEnv, System.out);
 * }</pre>
 */
public final class SqlScript {
    private final List<String> statements;
    private final List<String> inserts;

    private SqlScript(List<String> statements, List<String> inserts) {
        this.statements = List.copyOf(statements);
        this.inserts = List.copyOf(inserts);
    }

    /**
     * Splits {@code text} into statements, after replacing each {@code ${name}} by its value.
     *
     * @throws IllegalArgumentException for an unknown variable or an unterminated statement set
     */
    public static SqlScript parse(String text, Map<String, String> variables) {
        String resolved = substitute(text, variables);
        List<String> statements = new ArrayList<>();
        List<String> inserts = new ArrayList<>();
        boolean inSet = false;
        for (String s : split(resolved)) {
            String upper = s.toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
            if (upper.startsWith("EXECUTE STATEMENT SET BEGIN") || upper.startsWith("BEGIN STATEMENT SET")) {
                inSet = true;
                String rest = s.replaceFirst(
                                "(?is)^\\s*(EXECUTE\\s+STATEMENT\\s+SET\\s+BEGIN|BEGIN\\s+STATEMENT\\s+SET)", "")
                        .trim();
                if (!rest.isEmpty()) {
                    inserts.add(rest);
                }
            } else if (inSet && upper.equals("END")) {
                inSet = false;
            } else if (inSet || upper.startsWith("INSERT ")) {
                inserts.add(s);
            } else {
                statements.add(s);
            }
        }
        if (inSet) {
            throw new IllegalArgumentException("A statement set (EXECUTE STATEMENT SET BEGIN) has no END.");
        }
        return new SqlScript(statements, inserts);
    }

    /** The statements that run one by one, in order. */
    public List<String> statements() {
        return statements;
    }

    /** The INSERTs, which run together as one job. */
    public List<String> inserts() {
        return inserts;
    }

    /**
     * Runs the script on {@code tEnv}, printing each result to {@code out}; returns the job of the
     * inserts (started, not awaited), or null when there are none.
     */
    public JobClient run(TableEnvironment tEnv, PrintStream out) {
        for (String s : statements) {
            TableResult r = tEnv.executeSql(s);
            r.print();
        }
        if (inserts.isEmpty()) {
            return null;
        }
        StatementSet set = tEnv.createStatementSet();
        inserts.forEach(set::addInsertSql);
        TableResult r = set.execute();
        JobClient job = r.getJobClient().orElseThrow();
        out.println("polyroute sql: " + inserts.size() + " INSERT statement(s) running as job " + job.getJobID());
        return job;
    }

    static String substitute(String text, Map<String, String> variables) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (true) {
            int at = text.indexOf("${", i);
            if (at < 0) {
                return sb.append(text, i, text.length()).toString();
            }
            int end = text.indexOf('}', at);
            if (end < 0) {
                return sb.append(text, i, text.length()).toString();
            }
            String name = text.substring(at + 2, end);
            String value = variables.get(name);
            if (value == null) {
                throw new IllegalArgumentException(
                        "Unknown variable ${" + name + "}; known: " + variables.keySet() + ".");
            }
            sb.append(text, i, at).append(value);
            i = end + 1;
        }
    }

    /** Splits at {@code ;} outside quotes, back-quoted names and comments; drops empty statements. */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
                cur.append('\n');
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 1;
                cur.append(' ');
            } else if (c == '\'' || c == '`' || c == '"') {
                int j = i + 1;
                while (j < n && text.charAt(j) != c) {
                    j++;
                }
                // '' inside a string is an escaped quote: the loop continues past it naturally.
                cur.append(text, i, Math.min(j + 1, n));
                i = j;
            } else if (c == ';') {
                add(out, cur);
            } else {
                cur.append(c);
            }
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().trim();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }
}
