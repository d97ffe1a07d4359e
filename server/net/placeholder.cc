// Placeholder so the library has a source until the network layer lands.
namespace hotcache::net {}
