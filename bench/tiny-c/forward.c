/* The 4-16-3 forward pass (ReLU, softmax) as plain C, the bar for NetGen's tiny-network latency: bench/tiny-vs-c.sh. */
#include <math.h>
#include <stdio.h>
#include <time.h>
static float W1[16*4], b1[16], W2[3*16], b2[3];
__attribute__((noinline)) void forward(const float *x, float *y) {
    float h[16];
    for (int j = 0; j < 16; j++) { float s = b1[j]; for (int i = 0; i < 4; i++) s += W1[j*4+i]*x[i]; h[j] = s > 0 ? s : 0; }
    float z[3], m = -INFINITY, sum = 0;
    for (int k = 0; k < 3; k++) { float s = b2[k]; for (int j = 0; j < 16; j++) s += W2[k*16+j]*h[j]; z[k] = s; if (s > m) m = s; }
    for (int k = 0; k < 3; k++) { z[k] = expf(z[k]-m); sum += z[k]; }
    for (int k = 0; k < 3; k++) y[k] = z[k]/sum;
}
int main(void) {
    for (int i = 0; i < 64; i++) W1[i] = (i%7-3)*0.1f; for (int i = 0; i < 48; i++) W2[i] = (i%5-2)*0.1f;
    float x[4] = {0.1f,0.2f,0.3f,0.4f}, y[3]; double best = 1e9;
    for (int r = 0; r < 20; r++) {
        struct timespec a, b; clock_gettime(CLOCK_MONOTONIC, &a);
        for (int n = 0; n < 1000000; n++) { x[n&3] += 1e-7f; forward(x, y); }
        clock_gettime(CLOCK_MONOTONIC, &b);
        double ns = ((b.tv_sec-a.tv_sec)*1e9 + (b.tv_nsec-a.tv_nsec))/1e6; if (ns < best) best = ns;
    }
    printf("C forward 4-16-3: %.1f ns (best of 20 rounds of 1M), y0=%f\n", best, y[0]);
}
