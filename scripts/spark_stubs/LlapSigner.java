// A stand-in for Hive's org.apache.hadoop.hive.llap.security.LlapSigner (hive-llap-common), which pip
// pyspark does not ship (SPARK-51041). The Thrift server initialises Hive's FunctionRegistry when it closes
// some sessions; that registry's get_splits function names these types, so without them the close fails with
// NoClassDefFoundError and so does the dbt command that closed the session. Nothing here is ever called:
// get_splits serves Hive LLAP, which Spark does not run. scripts/spark_cluster.py compiles this file and
// puts it on the Thrift server's class path; test_spark_cluster checks that the registry then initialises.
package org.apache.hadoop.hive.llap.security;

import java.io.IOException;

public interface LlapSigner {
    interface Signable {
        void setSignInfo(int masterKeyId);

        byte[] serialize() throws IOException;
    }

    class SignedMessage {
        public byte[] message;
        public byte[] signature;
    }

    SignedMessage serializeAndSign(Signable message) throws IOException;
}
