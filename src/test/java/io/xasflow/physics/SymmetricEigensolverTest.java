package io.xasflow.physics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SymmetricEigensolverTest {
    @Test
    void nativeOpenBlasWithoutOneThreadIsWarnedAbout() {
        assertTrue(SymmetricEigensolver.blasThreadWarning("JNILAPACK", null).orElseThrow().contains("unset"));
        assertTrue(SymmetricEigensolver.blasThreadWarning("JNILAPACK", "2").orElseThrow().contains("'2'"));
        assertEquals(Optional.empty(), SymmetricEigensolver.blasThreadWarning("JNILAPACK", "1"));
        assertEquals(Optional.empty(), SymmetricEigensolver.blasThreadWarning("F2jLAPACK", null));  // pure Java: no threads
    }
}
