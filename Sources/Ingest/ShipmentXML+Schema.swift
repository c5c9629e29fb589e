extension ShipmentXML {
    /// The XML Schema of the shipment XML, `Schemas/shipments.xsd`, embedded so that the program
    /// validates without the repository; a test checks that both are identical.
    public static let schema = #"""
        <?xml version="1.0" encoding="UTF-8"?>
        <!--
          Provenance shipment XML, version 1 (namespace urn:provenance:shipments:1).

          One <event> per record. Its children are the columns of the shipment CSV, with the same names
          and meanings (see PRODUCT.md, "Shipment CSV"), in the order below; optional ones may be left out.
          Lists are repeated elements: <input lot="…" quantity="…"/> per consumed input lot of a transform,
          <serial> per item serial number. <extensions> holds elements of other namespaces, kept in the
          event's `extensions` object under their namespace URI and local name ({uri}local).

          This schema checks structure and lexical types; the ledger's own rules (quantity > 0, a UTC
          offset on occurred_at, the units it knows, fields each event kind requires) are checked per
          record, so that one bad record is reported with its line while the others are read.
          The program embeds this file (ShipmentXML.schema); keep both identical.
        -->
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
                   xmlns:s="urn:provenance:shipments:1"
                   targetNamespace="urn:provenance:shipments:1"
                   elementFormDefault="qualified"
                   attributeFormDefault="unqualified"
                   version="1">

          <xs:element name="shipments">
            <xs:complexType>
              <xs:sequence>
                <xs:element name="event" type="s:Event" minOccurs="0" maxOccurs="unbounded"/>
              </xs:sequence>
            </xs:complexType>
          </xs:element>

          <xs:complexType name="Event">
            <xs:sequence>
              <xs:element name="record_id" type="s:Text"/>
              <xs:element name="event" type="s:Kind"/>
              <xs:element name="occurred_at" type="xs:dateTime"/>
              <xs:element name="product" type="s:Text"/>
              <xs:element name="lot" type="s:Text"/>
              <xs:element name="quantity" type="xs:decimal"/>
              <xs:element name="unit" type="s:Text"/>
              <xs:element name="facility" type="s:Text"/>
              <xs:element name="shipment_id" type="s:Text" minOccurs="0"/>
              <xs:element name="destination" type="s:Text" minOccurs="0"/>
              <xs:element name="origin" type="s:Text" minOccurs="0"/>
              <xs:element name="input" type="s:Input" minOccurs="0" maxOccurs="unbounded"/>
              <xs:element name="unit_price" type="xs:decimal" minOccurs="0"/>
              <xs:element name="currency" type="s:Text" minOccurs="0"/>
              <xs:element name="carrier" type="s:Text" minOccurs="0"/>
              <xs:element name="certificate" type="s:Text" minOccurs="0"/>
              <xs:element name="serial" type="s:Text" minOccurs="0" maxOccurs="unbounded"/>
              <xs:element name="extensions" type="s:Extensions" minOccurs="0"/>
            </xs:sequence>
          </xs:complexType>

          <!-- The supply-chain event kinds. -->
          <xs:simpleType name="Kind">
            <xs:restriction base="xs:token">
              <xs:enumeration value="produce"/>
              <xs:enumeration value="ship"/>
              <xs:enumeration value="receive"/>
              <xs:enumeration value="transform"/>
            </xs:restriction>
          </xs:simpleType>

          <!-- Text that is not empty or only whitespace. -->
          <xs:simpleType name="Text">
            <xs:restriction base="xs:token">
              <xs:minLength value="1"/>
            </xs:restriction>
          </xs:simpleType>

          <!-- One input lot a transform consumed, and how much of it. -->
          <xs:complexType name="Input">
            <xs:attribute name="lot" type="s:Text" use="required"/>
            <xs:attribute name="quantity" type="xs:decimal" use="required"/>
          </xs:complexType>

          <xs:complexType name="Extensions">
            <xs:sequence>
              <xs:any namespace="##other" processContents="lax" minOccurs="0" maxOccurs="unbounded"/>
            </xs:sequence>
          </xs:complexType>
        </xs:schema>
        """#
}
